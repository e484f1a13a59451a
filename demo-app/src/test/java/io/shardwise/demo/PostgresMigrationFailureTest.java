package io.shardwise.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.shardwise.migration.ShardMigrationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A migration that fails on one shard stops startup naming that shard, and PostgreSQL's
 * transactional DDL leaves that shard's schema as it was.
 */
@ExtendWith(EmbeddedPostgresShards.StopAfterAllTests.class)
class PostgresMigrationFailureTest {

	private static final String DATABASE = "weather_broken_migration";

	private final EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();

	@Test
	void migrationFailingOnOneShardStopsStartupNamingItAndLeavesItsSchemaAsItWas() throws Exception {
		List<String> args = new ArrayList<>(List.of("--" + EmbeddedPostgresInitializer.DATABASE_PROPERTY + "=" + DATABASE));
		start(args);
		// Europe's data breaks V2's unique index; the other shards' data does not.
		execute("europe", "insert into weather_locations (id, continent, city) values (1, 'Europe', 'Dublin')");
		args.add("--shardwise.migration.locations=classpath:db/migration,classpath:db/unique-cities");

		assertThatException().isThrownBy(() -> start(args))
			.satisfies((ex) -> {
				ShardMigrationException failure = find(ex, ShardMigrationException.class);
				assertThat(failure).as("ShardMigrationException in %s", ex).isNotNull();
				assertThat(failure.getShard()).isEqualTo("europe");
				assertThat(failure.getMessage()).contains("'europe'").contains("V2").contains("weather_locations_city");
				assertThat(NestedExceptionUtils.getMostSpecificCause(ex).getMessage())
					.doesNotContain(EmbeddedPostgresShards.APP_PASSWORD);
			});

		// Shards are migrated in declaration order: the two before Europe are, the one after is not.
		assertThat(columns("north_america")).contains("country");
		assertThat(columns("asia")).contains("country");
		assertThat(columns("south_america")).doesNotContain("country");
		// Europe's V2 ran up to its failing statement and was rolled back as a whole.
		assertThat(columns("europe")).containsExactlyInAnyOrder("id", "continent", "city");
		assertThat(count("europe", "select count(*) from pg_indexes where indexname = 'weather_locations_city'")).isZero();
		assertThat(count("europe", "select max(version::int) from flyway_schema_history where success")).isEqualTo(1);
	}

	private static void start(List<String> args) {
		new SpringApplicationBuilder(DemoApplication.class).profiles("postgres")
			.initializers(new EmbeddedPostgresInitializer())
			.properties("spring.main.web-application-type=none")
			.run(args.toArray(String[]::new))
			.close();
	}

	private static <T extends Throwable> T find(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private List<String> columns(String shard) throws SQLException {
		List<String> tables = new ArrayList<>();
		try (Connection connection = this.servers.connectAsSuperuser(shard, DATABASE);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select column_name from information_schema.columns "
						+ "where table_schema = 'public' and table_name = 'weather_locations'")) {
			while (result.next()) {
				tables.add(result.getString(1));
			}
		}
		return tables;
	}

	private long count(String shard, String sql) throws SQLException {
		try (Connection connection = this.servers.connectAsSuperuser(shard, DATABASE);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

	private void execute(String shard, String sql) throws SQLException {
		try (Connection connection = this.servers.connectAsSuperuser(shard, DATABASE);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
