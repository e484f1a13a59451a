package io.shardwise.fanout;

/**
 * What a call spread over several shards does when some of them fail or miss the
 * deadline.
 */
public enum FailurePolicy {

	/**
	 * Throw a {@link ShardFanOutException} naming every failed shard.
	 */
	FAIL,

	/**
	 * Return what the healthy shards gave; the missing shards are logged at WARN, passed
	 * to the observer and visible to a caller that uses {@link PartialResult#capture}.
	 */
	PARTIAL

}
