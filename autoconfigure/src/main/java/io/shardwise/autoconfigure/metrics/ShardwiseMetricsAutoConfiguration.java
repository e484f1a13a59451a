package io.shardwise.autoconfigure.metrics;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.observation.ShardCallObserverPart;
import io.shardwise.routing.Shards;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Shardwise's Micrometer metrics: the shard call timer, the
 * fan-out width and partial-result counters ({@link ShardCallMetrics}), and the HikariCP
 * metrics of every shard's pool tagged by shard ({@link ShardPoolMetrics}).
 */
@AutoConfiguration(after = ShardwiseAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, Shards.class })
@ConditionalOnBooleanProperty(name = "shardwise.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ShardwiseMetricsProperties.class)
public class ShardwiseMetricsAutoConfiguration {

	@Bean
	@ConditionalOnBooleanProperty(name = "shardwise.metrics.enabled", matchIfMissing = true)
	ShardCallObserverPart shardwiseMetricsObserverPart(MeterRegistry registry) {
		return new ShardCallObserverPart(ShardCallObserverPart.METRICS_ORDER, new ShardCallMetrics(registry));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MicrometerMetricsTrackerFactory.class)
	@ConditionalOnBooleanProperty(name = "shardwise.metrics.pools", matchIfMissing = true)
	static class PoolMetricsConfiguration {

		@Bean
		ShardPoolMetrics shardwisePoolMetrics(Shards shards) {
			return new ShardPoolMetrics(shards);
		}

		@Bean
		MeterFilter shardwisePoolShardTagFilter() {
			return ShardPoolMetrics.shardTagFilter();
		}

	}

}
