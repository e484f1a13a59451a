package io.shardwise.demo;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Inspects the shards' databases on the {@link EmbeddedPostgresShards} servers, in the
 * database that {@link EmbeddedPostgresInitializer} pointed the application at.
 */
@TestConfiguration(proxyBeanMethods = false)
class EmbeddedPostgresShardsConfiguration {

	@Bean
	PostgresShardDatabases shardDatabases(@Value("${" + EmbeddedPostgresInitializer.DATABASE_PROPERTY + "}") String database) {
		return new PostgresShardDatabases((shard) -> EmbeddedPostgresShards.get().connectAsSuperuser(shard, database));
	}

}
