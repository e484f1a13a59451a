package io.shardwise.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the four shards at their databases on the {@link EmbeddedPostgresShards}
 * servers, as the environment variables of the {@code postgres} profile would.
 */
class EmbeddedPostgresInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String DATABASE_PROPERTY = "demo.test.postgres.database";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		String database = environment.getProperty(DATABASE_PROPERTY, "weather");
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(DATABASE_PROPERTY, database);
		for (String shard : ShardDatabases.SHARDS) {
			String prefix = "shardwise.shards[" + shard + "].";
			properties.put(prefix + "url", servers.url(shard, database));
			properties.put(prefix + "username", EmbeddedPostgresShards.APP_USER);
			properties.put(prefix + "password", EmbeddedPostgresShards.APP_PASSWORD);
		}
		environment.getPropertySources().addFirst(new MapPropertySource("embeddedPostgresShards", properties));
	}

}
