package io.shardwise.autoconfigure;

import io.shardwise.migration.ShardMigrator;
import org.flywaydb.core.Flyway;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of per-shard Flyway migrations. They run when the routing
 * DataSource is created, so before the EntityManagerFactory or anything else uses a
 * shard. Spring Boot's own, single-DataSource Flyway is switched off by
 * {@link ShardwiseEnvironmentPostProcessor}.
 */
@AutoConfiguration(before = ShardwiseAutoConfiguration.class)
@ConditionalOnClass(Flyway.class)
@ConditionalOnBooleanProperty(name = { "shardwise.enabled", "shardwise.migration.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(ShardwiseMigrationProperties.class)
public class ShardwiseMigrationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public ShardMigrator shardMigrator(ShardwiseMigrationProperties properties) {
		return new ShardMigrator(properties.getLocations(), (configuration) -> {
		});
	}

}
