package io.shardwise.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What startup does when a shard cannot be reached.
 */
@ConfigurationProperties(prefix = "shardwise.startup", ignoreUnknownFields = false)
public class ShardwiseStartupProperties {

	/**
	 * What to do when a shard's database cannot be reached at startup. 'fail' (default):
	 * startup fails at once, naming the shard. 'degraded': the application starts
	 * without it; the shard is DOWN in health and metrics, calls to it fail at once
	 * with ShardUnavailableException, fan-outs follow shardwise.fan-out.on-shard-failure,
	 * and once it answers it is migrated and rejoins, without a restart. Either way, a
	 * shard that refuses the credentials (or answers with another error than a
	 * connection error, such as an unknown database) fails startup at once.
	 */
	private OnShardUnavailable onShardUnavailable = OnShardUnavailable.FAIL;

	/**
	 * After a degraded start, how often a shard held out of service is tried again.
	 */
	private Duration rejoinInterval = Duration.ofSeconds(5);

	public OnShardUnavailable getOnShardUnavailable() {
		return this.onShardUnavailable;
	}

	public void setOnShardUnavailable(OnShardUnavailable onShardUnavailable) {
		this.onShardUnavailable = onShardUnavailable;
	}

	public Duration getRejoinInterval() {
		return this.rejoinInterval;
	}

	public void setRejoinInterval(Duration rejoinInterval) {
		this.rejoinInterval = rejoinInterval;
	}

	/**
	 * What to do when a shard cannot be reached at startup.
	 */
	public enum OnShardUnavailable {

		/**
		 * Fail startup, naming the shard.
		 */
		FAIL,

		/**
		 * Start without the shard, and let it rejoin once it is back and migrated.
		 */
		DEGRADED

	}

}
