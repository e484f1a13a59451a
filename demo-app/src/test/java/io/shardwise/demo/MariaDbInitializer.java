package io.shardwise.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the four shards at their databases on the {@link MariaDbShards} servers, as the
 * environment variables of the {@code mariadb} profile would.
 */
class MariaDbInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	static final String DATABASE_PROPERTY = "demo.test.mariadb.database";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		String database = environment.getProperty(DATABASE_PROPERTY, "weather");
		MariaDbShards servers = MariaDbShards.get();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(DATABASE_PROPERTY, database);
		for (String shard : ShardDatabases.SHARDS) {
			String prefix = "shardwise.shards[" + shard + "].";
			properties.put(prefix + "url", servers.url(shard, database));
			properties.put(prefix + "username", MariaDbShards.APP_USER);
			properties.put(prefix + "password", MariaDbShards.APP_PASSWORD);
		}
		environment.getPropertySources().addFirst(new MapPropertySource("mariaDbShards", properties));
	}

}
