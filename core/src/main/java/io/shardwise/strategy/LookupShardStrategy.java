package io.shardwise.strategy;

import java.util.Map;

import io.shardwise.routing.UnknownShardKeyException;

/**
 * Maps listed key values to shards, like the continent map of the SQLAlchemy sharding
 * example. Keys are compared by their {@code toString()} form.
 */
public final class LookupShardStrategy implements ShardStrategy {

	private final String name;

	private final Map<String, String> shardByKey;

	/**
	 * Create a lookup strategy.
	 * @param name the strategy name, used in error messages
	 * @param shardByKey shard id by key value
	 */
	public LookupShardStrategy(String name, Map<String, String> shardByKey) {
		this.name = name;
		this.shardByKey = Map.copyOf(shardByKey);
	}

	@Override
	public String shardFor(Object key) {
		String shard = this.shardByKey.get(key.toString());
		if (shard == null) {
			throw new UnknownShardKeyException(this.name, key, "known keys are " + this.shardByKey.keySet());
		}
		return shard;
	}

	/**
	 * Return the key to shard map.
	 * @return the map
	 */
	public Map<String, String> getShardByKey() {
		return this.shardByKey;
	}

}
