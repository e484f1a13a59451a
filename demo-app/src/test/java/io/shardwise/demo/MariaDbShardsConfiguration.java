package io.shardwise.demo;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Inspects the shards' databases on the {@link MariaDbShards} servers, in the database
 * that {@link MariaDbInitializer} pointed the application at.
 */
@TestConfiguration(proxyBeanMethods = false)
class MariaDbShardsConfiguration {

	@Bean
	MariaDbShardDatabases shardDatabases(@Value("${" + MariaDbInitializer.DATABASE_PROPERTY + "}") String database) {
		return new MariaDbShardDatabases((shard) -> MariaDbShards.get().connectAsRoot(shard, database));
	}

}
