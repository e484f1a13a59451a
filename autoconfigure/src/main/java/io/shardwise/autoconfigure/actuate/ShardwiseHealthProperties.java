package io.shardwise.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The "shards" health contributor.
 */
@ConfigurationProperties("shardwise.health")
public class ShardwiseHealthProperties {

	/**
	 * How a shard that fails its check is reported. 'down' (default): the shard is DOWN,
	 * which makes the "shards" contributor and the application DOWN. 'degraded', for
	 * applications that serve partial results: the shard is DEGRADED as long as another
	 * shard passed its latest check, and DOWN when none did. Spring Boot's default status
	 * order ignores DEGRADED, so the application stays UP; add it to
	 * management.endpoint.health.status.order to see it in the overall status.
	 */
	private ShardDownStatus onShardDown = ShardDownStatus.DOWN;

	/**
	 * How long the validation of a shard's connection (Connection#isValid) may take,
	 * rounded up to whole seconds. Getting the connection is bounded by the pool's
	 * connection-timeout.
	 */
	private Duration validationTimeout = Duration.ofSeconds(1);

	public ShardDownStatus getOnShardDown() {
		return this.onShardDown;
	}

	public void setOnShardDown(ShardDownStatus onShardDown) {
		this.onShardDown = onShardDown;
	}

	public Duration getValidationTimeout() {
		return this.validationTimeout;
	}

	public void setValidationTimeout(Duration validationTimeout) {
		this.validationTimeout = validationTimeout;
	}

	/**
	 * How a shard that fails its check is reported.
	 */
	public enum ShardDownStatus {

		/**
		 * The shard is DOWN, and so the application.
		 */
		DOWN,

		/**
		 * The shard is DEGRADED while another shard is up; DOWN when none is.
		 */
		DEGRADED

	}

}
