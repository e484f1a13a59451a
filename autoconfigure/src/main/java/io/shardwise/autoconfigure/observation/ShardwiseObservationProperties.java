package io.shardwise.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Micrometer Observations (traces) of shard calls.
 */
@ConfigurationProperties(prefix = "shardwise.observation", ignoreUnknownFields = false)
public class ShardwiseObservationProperties {

	/**
	 * Whether to wrap every fan-out ("shardwise.fan-out") and every call on one shard
	 * ("shardwise.call") in a Micrometer Observation, when an ObservationRegistry bean
	 * exists.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
