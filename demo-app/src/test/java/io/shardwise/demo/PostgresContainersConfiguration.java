package io.shardwise.demo;

import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;

import org.testcontainers.lifecycle.Startable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Four PostgreSQL containers, one per shard, for Docker users: the shards of the
 * {@code postgres} profile point at them. Used by {@link TestcontainersDemoTest} and by
 * {@link TestDemoApplication} ({@code ./mvnw -pl demo-app -am spring-boot:test-run}).
 */
@TestConfiguration(proxyBeanMethods = false)
class PostgresContainersConfiguration {

	static final String IMAGE = "postgres:17-alpine";

	@Bean
	ShardContainers shardContainers() {
		return new ShardContainers();
	}

	@Bean
	DynamicPropertyRegistrar shardProperties(ShardContainers containers) {
		return (registry) -> containers.byShard.forEach((shard, container) -> {
			String prefix = "shardwise.shards[" + shard + "].";
			registry.add(prefix + "url", container::getJdbcUrl);
			registry.add(prefix + "username", () -> EmbeddedPostgresShards.APP_USER);
			registry.add(prefix + "password", () -> EmbeddedPostgresShards.APP_PASSWORD);
		});
	}

	@Bean
	PostgresShardDatabases shardDatabases(ShardContainers containers) {
		return new PostgresShardDatabases((shard) -> {
			PostgreSQLContainer container = containers.byShard.get(shard);
			return DriverManager.getConnection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
		});
	}

	/**
	 * The four containers, started in parallel. The init script creates the application's
	 * user and {@code pg_stat_statements}.
	 */
	static final class ShardContainers implements Startable {

		final Map<String, PostgreSQLContainer> byShard = new LinkedHashMap<>();

		ShardContainers() {
			ShardDatabases.SHARDS.forEach((shard) -> this.byShard.put(shard,
					new PostgreSQLContainer(IMAGE).withDatabaseName("weather")
						.withCommand("postgres", "-c", "fsync=off", "-c", "shared_preload_libraries=pg_stat_statements")
						.withInitScript("testcontainers/shard-init.sql")));
		}

		@Override
		public void start() {
			Startables.deepStart(this.byShard.values()).join();
		}

		@Override
		public void stop() {
			this.byShard.values().forEach(PostgreSQLContainer::stop);
		}

	}

}
