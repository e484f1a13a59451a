package io.shardwise.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Logging context of shard calls.
 */
@ConfigurationProperties(prefix = "shardwise.logging", ignoreUnknownFields = false)
public class ShardwiseLoggingProperties {

	/**
	 * SLF4J MDC entry naming the current shard.
	 */
	private final Mdc mdc = new Mdc();

	public Mdc getMdc() {
		return this.mdc;
	}

	/**
	 * The MDC entry that names the shard during routed calls and fan-out sub-calls.
	 */
	public static class Mdc {

		/**
		 * Whether to put the current shard's id into the MDC during routed calls and
		 * fan-out sub-calls (and carry the caller's MDC over to fan-out workers).
		 */
		private boolean enabled = true;

		/**
		 * MDC key of the shard id, for example %X{shard} in a log pattern.
		 */
		private String key = "shard";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getKey() {
			return this.key;
		}

		public void setKey(String key) {
			this.key = key;
		}

	}

}
