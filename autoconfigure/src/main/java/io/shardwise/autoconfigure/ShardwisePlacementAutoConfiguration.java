package io.shardwise.autoconfigure;

import java.util.List;

import io.shardwise.audit.ShardedTable;
import io.shardwise.move.MoveObserver;
import io.shardwise.move.ShardMover;
import io.shardwise.placement.BucketFence;
import io.shardwise.placement.Placement;
import io.shardwise.placement.PlacementIntegrator;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import org.hibernate.jpa.boot.spi.IntegratorProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the durable placement of the strategy named by
 * {@code shardwise.placement.strategy}: the {@link Placement} (seeded or checked at
 * startup), the {@link BucketFence} that Hibernate calls before every write of a placed
 * entity, and the {@link ShardMover} that moves buckets of the tables declared as
 * {@link ShardedTable} beans.
 */
@AutoConfiguration(after = ShardwiseAutoConfiguration.class,
		beforeName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnBean(ShardRouter.class)
@ConditionalOnProperty("shardwise.placement.strategy")
public class ShardwisePlacementAutoConfiguration {

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean
	public Placement shardwisePlacement(ShardRouter router, ShardwisePlacementProperties properties) {
		String metadata = properties.getMetadataShard();
		if (metadata != null && !router.shards().contains(metadata)) {
			throw new InvalidConfigurationPropertyValueException("shardwise.placement.metadata-shard", metadata,
					"No such shard; declared shards are " + router.shards().ids());
		}
		Shard shard = (metadata != null) ? router.shards().get(metadata) : router.shards().all().get(0);
		return new Placement(router, properties.getStrategy(), shard, properties.getRefreshInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	public BucketFence shardwiseBucketFence(Placement placement) {
		return new BucketFence(placement);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public ShardMover shardMover(Placement placement, ShardwisePlacementProperties properties,
			ObjectProvider<ShardedTable> tables, ObjectProvider<MoveObserver> observers) {
		if (properties.getMoveBatchSize() < 1) {
			throw new InvalidConfigurationPropertyValueException("shardwise.placement.move-batch-size",
					properties.getMoveBatchSize(), "Must be positive");
		}
		List<MoveObserver> all = observers.orderedStream().toList();
		MoveObserver observer = (status) -> all.forEach((each) -> each.progress(status));
		return new ShardMover(placement, tables.orderedStream().toList(), properties.getMoveBatchSize(), observer);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class MoveMetricsConfiguration {

		@Bean
		ShardMoveMetrics shardwiseMoveMetrics(Placement placement, ShardMover mover) {
			return new ShardMoveMetrics(placement, mover);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HibernatePropertiesCustomizer.class, IntegratorProvider.class })
	static class HibernateFenceConfiguration {

		/**
		 * Registers the fence with Hibernate's insert, update and delete events.
		 * @param fence the fence
		 * @return the customizer
		 */
		@Bean
		HibernatePropertiesCustomizer shardwisePlacementHibernateCustomizer(BucketFence fence) {
			return (properties) -> ShardwiseHibernateAutoConfiguration.addIntegrator(properties,
					new PlacementIntegrator(fence));
		}

	}

}
