package io.shardwise.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The "shards" health contributor.
 */
@ConfigurationProperties(prefix = "shardwise.health", ignoreUnknownFields = false)
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
	 * Deadline of one shard's check: getting a connection from its pool and validating
	 * it (Connection#isValid, given the deadline rounded up to whole seconds). A shard
	 * that does not answer within it, because its server is down or its pool has no free
	 * connection, is reported failing at the deadline; the check goes on in the
	 * background, and later checks wait for it rather than start another one.
	 */
	private Duration timeout = Duration.ofSeconds(1);

	public ShardDownStatus getOnShardDown() {
		return this.onShardDown;
	}

	public void setOnShardDown(ShardDownStatus onShardDown) {
		this.onShardDown = onShardDown;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
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
