package io.shardwise.autoconfigure.actuate;

import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.routing.Shards;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code shards} health contributor
 * ({@link ShardsHealthContributor}), one component per shard. Switched off with
 * {@code management.health.shards.enabled=false}.
 */
@AutoConfiguration(after = ShardwiseAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(Shards.class)
@EnableConfigurationProperties(ShardwiseHealthProperties.class)
public class ShardwiseHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "shardsHealthContributor")
	@ConditionalOnEnabledHealthIndicator("shards")
	public ShardsHealthContributor shardsHealthContributor(Shards shards, ShardwiseHealthProperties properties) {
		return new ShardsHealthContributor(shards, properties.getOnShardDown(), properties.getTimeout());
	}

}
