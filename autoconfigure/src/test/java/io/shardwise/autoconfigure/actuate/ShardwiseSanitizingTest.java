package io.shardwise.autoconfigure.actuate;

import java.util.Map;

import io.shardwise.autoconfigure.ShardwiseProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sanitizing function masks shard secrets whatever property source holds them. (The
 * PostgreSQL secrets test of the demo checks the endpoints end to end.)
 */
class ShardwiseSanitizingTest {

	private static final String SECRET = "S3cret-value";

	private final ShardwiseProperties properties = new ShardwiseProperties();

	ShardwiseSanitizingTest() {
		ShardwiseProperties.Shard asia = new ShardwiseProperties.Shard();
		asia.setUrl("jdbc:h2:mem:asia");
		asia.setPassword(SECRET);
		this.properties.getShards().put("asia", asia);
	}

	@Test
	void masksShardPasswordsUnderEverySpelling() {
		PropertySource<?> environment = new SystemEnvironmentPropertySource("systemEnvironment", Map.of());
		assertThat(sanitize(environment, "SHARDWISE_SHARDS_ASIA_PASSWORD", "anything")).isEqualTo("******");
		assertThat(sanitize(yaml(), "shardwise.shards[asia].password", "${WEATHER_DB_PASSWORD:}")).isEqualTo("******");
		assertThat(sanitize(yaml(), "shardwise.shards.asia.password", "x")).isEqualTo("******");
	}

	@Test
	void masksVariablesHoldingABoundPassword() {
		PropertySource<?> environment = new SystemEnvironmentPropertySource("systemEnvironment", Map.of());
		assertThat(sanitize(environment, "WEATHER_DB_PASSWORD", SECRET)).isEqualTo("******");
		assertThat(sanitize(environment, "HOME", "/root")).isEqualTo("/root");
	}

	@Test
	void masksCredentialsInEveryJdbcUrl() {
		PropertySource<?> environment = new SystemEnvironmentPropertySource("systemEnvironment", Map.of());
		assertThat(sanitize(environment, "EUROPE_DB_URL", "jdbc:postgresql://db/weather?user=w&password=" + SECRET))
			.isEqualTo("jdbc:postgresql://db/weather?user=w&password=******");
		assertThat(sanitize(yaml(), "shardwise.shards[asia].url", "jdbc:postgresql://w:pw@db/weather"))
			.isEqualTo("jdbc:postgresql://******@db/weather");
		assertThat(sanitize(yaml(), "spring.application.name", "weather")).isEqualTo("weather");
	}

	private Object sanitize(PropertySource<?> source, String key, Object value) {
		return ShardwiseActuatorAutoConfiguration.sanitize(new SanitizableData(source, key, value), () -> this.properties)
			.getValue();
	}

	private static PropertySource<?> yaml() {
		return new MapPropertySource("application.yml", Map.of());
	}

}
