package io.shardwise.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Masking of credentials in JDBC URLs.
 */
class JdbcUrlsTest {

	@Test
	void nullStaysNull() {
		assertThat(JdbcUrls.mask(null)).isNull();
	}

	@Test
	void urlWithoutCredentialsIsUnchanged() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://host:5432/db?ssl=true"))
			.isEqualTo("jdbc:postgresql://host:5432/db?ssl=true");
		assertThat(JdbcUrls.mask("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1")).isEqualTo("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1");
	}

	@Test
	void userInfoIsMasked() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://user:secret@host:5432/db"))
			.isEqualTo("jdbc:postgresql://******@host:5432/db");
	}

	@Test
	void passwordParametersAreMaskedAndOtherParametersKept() {
		assertThat(JdbcUrls.mask("jdbc:mysql://host/db?user=app&password=secret&useSSL=true"))
			.isEqualTo("jdbc:mysql://host/db?user=app&password=******&useSSL=true");
		assertThat(JdbcUrls.mask("jdbc:sqlserver://host:1433;databaseName=db;pwd=secret;encrypt=true"))
			.isEqualTo("jdbc:sqlserver://host:1433;databaseName=db;pwd=******;encrypt=true");
	}

	@Test
	void passwordParameterNamesAreCaseInsensitive() {
		assertThat(JdbcUrls.mask("jdbc:h2:mem:db;USER=sa;PASSWORD=secret")).isEqualTo("jdbc:h2:mem:db;USER=sa;PASSWORD=******");
		assertThat(JdbcUrls.mask("jdbc:x://host/db?PWD=secret")).isEqualTo("jdbc:x://host/db?PWD=******");
	}

	@Test
	void userInfoAndPasswordParameterTogether() {
		String masked = JdbcUrls.mask("jdbc:postgresql://u:secret@host/db?password=secret2&application_name=app");
		assertThat(masked).isEqualTo("jdbc:postgresql://******@host/db?password=******&application_name=app");
		assertThat(masked).doesNotContain("secret");
	}

	@Test
	void everyPasswordParameterIsMasked() {
		assertThat(JdbcUrls.mask("jdbc:x://host/db?password=one&sslpassword=two"))
			.doesNotContain("one")
			.doesNotContain("two")
			.startsWith("jdbc:x://host/db?");
	}

	@Test
	void emptyPasswordParameter() {
		assertThat(JdbcUrls.mask("jdbc:x://host/db?password=&ssl=true")).isEqualTo("jdbc:x://host/db?password=******&ssl=true");
	}

}
