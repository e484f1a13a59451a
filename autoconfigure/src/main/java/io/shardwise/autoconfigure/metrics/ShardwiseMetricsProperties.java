package io.shardwise.autoconfigure.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Micrometer metrics of Shardwise.
 */
@ConfigurationProperties(prefix = "shardwise.metrics", ignoreUnknownFields = false)
public class ShardwiseMetricsProperties {

	/**
	 * Whether to record the shard call and fan-out metrics (shardwise.calls,
	 * shardwise.fan-out.*) when a MeterRegistry bean exists.
	 */
	private boolean enabled = true;

	/**
	 * Whether to bind the HikariCP metrics (hikaricp.connections.*) of every shard's pool,
	 * tagged with the shard id.
	 */
	private boolean pools = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isPools() {
		return this.pools;
	}

	public void setPools(boolean pools) {
		this.pools = pools;
	}

}
