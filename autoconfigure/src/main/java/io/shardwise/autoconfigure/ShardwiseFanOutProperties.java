package io.shardwise.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Calls that run on several shards at once (queries without a shard key).
 */
@ConfigurationProperties("shardwise.fan-out")
public class ShardwiseFanOutProperties {

	/**
	 * Maximum number of shard calls that run in parallel across all callers; further
	 * calls wait for a free worker.
	 */
	private int maxParallelism = 16;

	public int getMaxParallelism() {
		return this.maxParallelism;
	}

	public void setMaxParallelism(int maxParallelism) {
		this.maxParallelism = maxParallelism;
	}

}
