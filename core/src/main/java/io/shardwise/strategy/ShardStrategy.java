package io.shardwise.strategy;

/**
 * Maps a shard key to the id of the shard that holds it. Implementations must be
 * thread-safe, fast and deterministic: the same key always maps to the same shard.
 *
 * <p>Declare one as a bean to use it by its bean name in
 * {@code @ShardKey(strategy = "...")} or in {@code shardwise.default-strategy}.
 */
@FunctionalInterface
public interface ShardStrategy {

	/**
	 * Return the id of the shard for a key.
	 * @param key the key, never {@code null}
	 * @return a configured shard id
	 * @throws io.shardwise.routing.UnknownShardKeyException if the key maps to no shard
	 */
	String shardFor(Object key);

}
