package io.shardwise.jdbcdemo;

import java.util.LinkedHashMap;
import java.util.Map;

import io.shardwise.demo.SharedPostgresShards;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfiguration;

/**
 * The Spring Data JDBC application on four real PostgreSQL servers (the demo tests'
 * servers, in a database of its own).
 */
@ExtendWith(SharedPostgresShards.StopAfterAllTests.class)
@SpringBootTest(classes = JdbcDemoApplication.class, properties = "shardwise.migration.locations=classpath:db/jdbcdemo")
@ContextConfiguration(initializers = PostgresJdbcDemoTest.Shards.class)
class PostgresJdbcDemoTest extends JdbcRepositoryTests {

	static class Shards implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			Map<String, Object> properties = new LinkedHashMap<>();
			for (String shard : SharedPostgresShards.shards()) {
				String prefix = "shardwise.shards[" + shard + "].";
				properties.put(prefix + "url", SharedPostgresShards.url(shard, "jdbcdemo"));
				properties.put(prefix + "username", SharedPostgresShards.USER);
				properties.put(prefix + "password", SharedPostgresShards.PASSWORD);
			}
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("jdbcDemoShards", properties));
		}

	}

}
