package io.shardwise.autoconfigure;

import io.shardwise.autoconfigure.actuate.ShardsEndpoint;
import io.shardwise.autoconfigure.actuate.ShardsEndpointAutoConfiguration;
import io.shardwise.autoconfigure.actuate.ShardsHealthContributor;
import io.shardwise.autoconfigure.actuate.ShardwiseHealthContributorAutoConfiguration;
import io.shardwise.autoconfigure.metrics.ShardPoolMetrics;
import io.shardwise.autoconfigure.metrics.ShardwiseMetricsAutoConfiguration;
import io.shardwise.autoconfigure.observation.CompositeShardCallObserver;
import io.shardwise.autoconfigure.observation.MdcShardCallObserver;
import io.shardwise.autoconfigure.observation.ShardCallObserverPart;
import io.shardwise.autoconfigure.observation.ShardwiseObservationAutoConfiguration;
import io.shardwise.fanout.FanOutExecutor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.shardwise.autoconfigure.ShardwiseTestSupport.h2Url;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations auto-configurations stay out of the way without Actuator, Spring Boot's
 * health module or Micrometer, and without the beans they build on.
 */
class OperationsAutoConfigurationConditionsTest {

	private final ApplicationContextRunner runner = ShardwiseTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(ShardwiseObservationAutoConfiguration.class,
				ShardwiseMetricsAutoConfiguration.class, ShardwiseHealthContributorAutoConfiguration.class,
				ShardsEndpointAutoConfiguration.class))
		.withPropertyValues("shardwise.shards.south.url=" + h2Url("south"),
				"shardwise.shards.south.pool.maximum-pool-size=2", "management.endpoints.web.exposure.include=*");

	@Test
	void nothingOperationalIsConfiguredWithoutActuatorHealthAndMicrometer() {
		this.runner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.",
					"org.springframework.boot.health.", "io.micrometer."))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(ShardsHealthContributor.class)
					.doesNotHaveBean(ShardsEndpoint.class)
					.doesNotHaveBean(ShardPoolMetrics.class);
				// Only the logging MDC, which needs SLF4J alone, observes shard calls.
				assertThat(context.getBeansOfType(ShardCallObserverPart.class).values())
					.extracting(ShardCallObserverPart::observer)
					.hasExactlyElementsOfTypes(MdcShardCallObserver.class);
				assertThat(context.getBean(CompositeShardCallObserver.class).getParts())
					.hasExactlyElementsOfTypes(MdcShardCallObserver.class);
				assertThat(context).hasSingleBean(FanOutExecutor.class);
			});
	}

	@Test
	void noMetricsOrObservationsWithoutARegistryBean() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ShardPoolMetrics.class);
			assertThat(context.getBean(CompositeShardCallObserver.class).getParts())
				.hasExactlyElementsOfTypes(MdcShardCallObserver.class);
			assertThat(context).hasSingleBean(ShardsHealthContributor.class).hasSingleBean(ShardsEndpoint.class);
		});
	}

	@Test
	void nothingWhenShardwiseIsOff() {
		this.runner.withPropertyValues("shardwise.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ShardsHealthContributor.class)
				.doesNotHaveBean(ShardsEndpoint.class)
				.doesNotHaveBean(CompositeShardCallObserver.class)
				.doesNotHaveBean(ShardCallObserverPart.class));
	}

}
