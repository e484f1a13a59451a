package io.shardwise.keychange;

import java.util.LinkedHashMap;
import java.util.Map;

import io.shardwise.demo.EmbeddedPostgresShards;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfiguration;

/**
 * The key-change tests on three real PostgreSQL servers (database {@code keychange} on
 * three of the demo tests' embedded servers).
 */
@ExtendWith(EmbeddedPostgresShards.StopAfterAllTests.class)
@SpringBootTest(classes = KeyChangeApplication.class, properties = "spring.config.name=keychange")
@ContextConfiguration(initializers = KeyChangePostgresTest.Servers.class)
class KeyChangePostgresTest extends KeyChangeTests {

	static class Servers implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
			Map<String, Object> properties = new LinkedHashMap<>();
			String[][] shards = { { "eu", "europe" }, { "us", "north_america" }, { "latam", "south_america" } };
			for (String[] shard : shards) {
				String prefix = "shardwise.shards." + shard[0] + ".";
				properties.put(prefix + "url", servers.url(shard[1], "keychange"));
				properties.put(prefix + "username", EmbeddedPostgresShards.APP_USER);
				properties.put(prefix + "password", EmbeddedPostgresShards.APP_PASSWORD);
			}
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("keyChangeServers", properties));
		}

	}

}
