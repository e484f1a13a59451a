package io.shardwise.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Durable placement of a {@code hash} strategy's buckets, which lets buckets move between
 * shards while the application runs ({@code ShardMover}).
 */
@ConfigurationProperties(prefix = "shardwise.placement", ignoreUnknownFields = false)
public class ShardwisePlacementProperties {

	/**
	 * Name of the hash strategy whose bucket-to-shard map is stored, versioned, and may
	 * change by moving buckets. Its entities get ids that name their bucket instead of
	 * their shard. Unset: no durable placement, maps come from configuration only.
	 */
	private String strategy;

	/**
	 * Id of the shard that stores the map and the moves. Defaults to the shard with the
	 * lowest index.
	 */
	private String metadataShard;

	/**
	 * How often each instance looks for a newer stored map and for buckets whose move is
	 * between its cutover and its cleanup. A write routed by an older map is refused by
	 * its shard and reloads the map at once; this bounds how long reads may still go to a
	 * bucket's previous owner. A move waits three intervals (at least 1 s) before its first
	 * cutover and after its last switch; an unkeyed fan-out over placed rows is refused
	 * when the last successful look is older than that. Zero: only when a write is
	 * refused, and before each such fan-out.
	 */
	private Duration refreshInterval = Duration.ofSeconds(1);

	/**
	 * Rows per batch when a move copies rows and applies captured writes.
	 */
	private int moveBatchSize = 1000;

	public String getStrategy() {
		return this.strategy;
	}

	public void setStrategy(String strategy) {
		this.strategy = strategy;
	}

	public String getMetadataShard() {
		return this.metadataShard;
	}

	public void setMetadataShard(String metadataShard) {
		this.metadataShard = metadataShard;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	public int getMoveBatchSize() {
		return this.moveBatchSize;
	}

	public void setMoveBatchSize(int moveBatchSize) {
		this.moveBatchSize = moveBatchSize;
	}

}
