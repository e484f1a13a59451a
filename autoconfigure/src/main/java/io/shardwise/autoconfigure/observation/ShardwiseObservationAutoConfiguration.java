package io.shardwise.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;
import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.observation.ShardCallObserver;
import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the one {@link ShardCallObserver} that Shardwise's fan-out
 * executor uses: a {@link CompositeShardCallObserver} of every
 * {@link ShardCallObserverPart} bean. This class contributes the logging MDC part and,
 * when an {@link ObservationRegistry} bean exists, the Micrometer Observation part;
 * {@code ShardwiseMetricsAutoConfiguration} contributes the metrics part. An application
 * that declares its own {@link ShardCallObserver} bean replaces the composite.
 */
@AutoConfiguration(before = ShardwiseAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnBooleanProperty(name = "shardwise.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ ShardwiseObservationProperties.class, ShardwiseLoggingProperties.class })
public class ShardwiseObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ShardCallObserver.class)
	public CompositeShardCallObserver shardwiseCallObserver(ObjectProvider<ShardCallObserverPart> parts) {
		return new CompositeShardCallObserver(parts.orderedStream().map(ShardCallObserverPart::observer).toList());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MDC.class)
	@ConditionalOnBooleanProperty(name = "shardwise.logging.mdc.enabled", matchIfMissing = true)
	static class MdcConfiguration {

		@Bean
		ShardCallObserverPart shardwiseMdcObserverPart(ShardwiseLoggingProperties properties) {
			return new ShardCallObserverPart(ShardCallObserverPart.MDC_ORDER,
					new MdcShardCallObserver(properties.getMdc().getKey()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "shardwise.observation.enabled", matchIfMissing = true)
	static class ObservationConfiguration {

		@Bean
		ShardCallObserverPart shardwiseObservationObserverPart(ObservationRegistry registry) {
			return new ShardCallObserverPart(ShardCallObserverPart.OBSERVATION_ORDER,
					new ObservationShardCallObserver(registry));
		}

	}

}
