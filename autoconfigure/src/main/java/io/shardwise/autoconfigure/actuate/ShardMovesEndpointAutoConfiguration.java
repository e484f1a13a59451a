package io.shardwise.autoconfigure.actuate;

import io.shardwise.autoconfigure.ShardwisePlacementAutoConfiguration;
import io.shardwise.move.ShardMover;
import io.shardwise.placement.Placement;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code shardmoves} Actuator endpoint
 * ({@link ShardMovesEndpoint}), when a durable placement is configured.
 */
@AutoConfiguration(after = ShardwisePlacementAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ShardMover.class)
public class ShardMovesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(ShardMovesEndpoint.class)
	ShardMovesEndpoint shardMovesEndpoint(Placement placement, ShardMover mover) {
		return new ShardMovesEndpoint(placement, mover);
	}

}
