package io.shardwise.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Shared helpers for the auto-configuration tests.
 */
final class ShardwiseTestSupport {

	private ShardwiseTestSupport() {
	}

	static ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(
				AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class, ShardwiseAutoConfiguration.class));
	}

	/**
	 * Return the URL of a fresh, uniquely named H2 in-memory database.
	 */
	static String h2Url(String name) {
		return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	static List<Throwable> causeChain(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable current = failure; current != null && !chain.contains(current); current = current.getCause()) {
			chain.add(current);
		}
		return chain;
	}

	static InvalidConfigurationPropertyValueException invalidProperty(Throwable failure) {
		return causeChain(failure).stream()
			.filter(InvalidConfigurationPropertyValueException.class::isInstance)
			.map(InvalidConfigurationPropertyValueException.class::cast)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No InvalidConfigurationPropertyValueException in the cause chain",
					failure));
	}

	static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		causeChain(failure).forEach((ex) -> messages.append(ex).append('\n'));
		return messages.toString();
	}

	static int countItems(DataSource dataSource) {
		return new JdbcTemplate(dataSource).queryForObject("select count(*) from items", Integer.class);
	}

	static boolean hasTable(DataSource dataSource, String table) {
		Integer count = new JdbcTemplate(dataSource).queryForObject(
				"select count(*) from information_schema.tables where upper(table_name) = ?", Integer.class,
				table.toUpperCase());
		return count != null && count > 0;
	}

}
