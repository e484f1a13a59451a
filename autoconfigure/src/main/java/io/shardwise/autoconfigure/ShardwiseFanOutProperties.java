package io.shardwise.autoconfigure;

import java.time.Duration;

import io.shardwise.fanout.FailurePolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Calls that run on several shards at once (queries without a shard key).
 */
@ConfigurationProperties(prefix = "shardwise.fan-out", ignoreUnknownFields = false)
public class ShardwiseFanOutProperties {

	/**
	 * Maximum number of shard calls that run in parallel across all callers; further
	 * calls wait for a free worker. Workers are virtual threads on Java 21+, a fixed pool
	 * of platform threads otherwise.
	 */
	private int maxParallelism = 16;

	/**
	 * Deadline of a whole fan-out. Shard calls still running then are interrupted and
	 * count as failed.
	 */
	private Duration timeout = Duration.ofSeconds(30);

	/**
	 * What a fan-out does when some shards fail or miss the deadline: 'fail' throws a
	 * ShardFanOutException naming them; 'partial' returns the healthy shards' results,
	 * logs the missing shards at WARN and reports them to PartialResult.capture callers.
	 */
	private FailurePolicy onShardFailure = FailurePolicy.FAIL;

	/**
	 * Whether repository calls without a shard key may run on every shard. When false,
	 * such a call fails unless the method or its repository is annotated @AllowFanOut,
	 * so that tests can forbid accidental scatter queries.
	 */
	private boolean allowed = true;

	public int getMaxParallelism() {
		return this.maxParallelism;
	}

	public void setMaxParallelism(int maxParallelism) {
		this.maxParallelism = maxParallelism;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public FailurePolicy getOnShardFailure() {
		return this.onShardFailure;
	}

	public void setOnShardFailure(FailurePolicy onShardFailure) {
		this.onShardFailure = onShardFailure;
	}

	public boolean isAllowed() {
		return this.allowed;
	}

	public void setAllowed(boolean allowed) {
		this.allowed = allowed;
	}

}
