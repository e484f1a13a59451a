package io.shardwise.autoconfigure.actuate;

import java.util.List;
import java.util.function.Supplier;

import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationProperties;
import io.shardwise.move.ShardMover;
import io.shardwise.placement.Placement;
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
		ShardsEndpoint shardsEndpoint(ShardRouter router, ObjectProvider<ShardwiseMigrationProperties> migration,
				ObjectProvider<Placement> placement, ObjectProvider<ShardMover> mover) {
			List<String> locations = migration.getIfAvailable(ShardwiseMigrationProperties::new).getLocations();
			return new ShardsEndpoint(router, new FlywaySchemaVersions(locations), placement(placement, mover));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.flywaydb.core.Flyway")
	static class WithoutFlyway {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(ShardsEndpoint.class)
		ShardsEndpoint shardsEndpoint(ShardRouter router, ObjectProvider<Placement> placement,
				ObjectProvider<ShardMover> mover) {
			return new ShardsEndpoint(router, null, placement(placement, mover));
		}

	}

	/** The placement and its move (see ShardMovesEndpoint), when a placement is configured. */
	static Supplier<Object> placement(ObjectProvider<Placement> placement, ObjectProvider<ShardMover> mover) {
		return () -> {
			Placement current = placement.getIfAvailable();
			ShardMover moves = mover.getIfAvailable();
			return (current != null && moves != null)
					? ShardMovesEndpoint.describe(current, moves.status().orElse(null)) : null;
		};
	}

}
