package io.shardwise.observation;

/**
 * Why a call runs on a shard.
 */
public enum ShardCallKind {

	/**
	 * Routed to its one shard by a shard key, an entity's key, a Shardwise id or an
	 * explicit choice.
	 */
	ROUTED,

	/**
	 * One shard's part of a call spread over several shards.
	 */
	FAN_OUT,

	/**
	 * One shard's part of a lookup by an id that names no shard, searched on every shard.
	 */
	ID_LOOKUP

}
