package io.shardwise.autoconfigure.actuate;

import java.util.List;

import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationProperties;
import io.shardwise.routing.ShardRouter;
import org.flywaydb.core.Flyway;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code shards} Actuator endpoint ({@link ShardsEndpoint}).
 * Shard schema versions are read with Flyway when it is on the classpath. (Conditions
 * whose classes may be missing sit on the bean methods, behind the class conditions.)
 */
@AutoConfiguration(after = ShardwiseAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ShardRouter.class)
public class ShardsEndpointAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Flyway.class)
	static class WithFlyway {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(ShardsEndpoint.class)
		ShardsEndpoint shardsEndpoint(ShardRouter router, ObjectProvider<ShardwiseMigrationProperties> migration) {
			List<String> locations = migration.getIfAvailable(ShardwiseMigrationProperties::new).getLocations();
			return new ShardsEndpoint(router, new FlywaySchemaVersions(locations));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.flywaydb.core.Flyway")
	static class WithoutFlyway {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(ShardsEndpoint.class)
		ShardsEndpoint shardsEndpoint(ShardRouter router) {
			return new ShardsEndpoint(router, null);
		}

	}

}
