package io.shardwise.routing;

/**
 * Thrown when a strategy has no shard for a key, for example a value that a lookup map
 * does not list, or a number outside every configured range.
 */
public class UnknownShardKeyException extends ShardRoutingException {

	private final String strategy;

	private final Object key;

	public UnknownShardKeyException(String strategy, Object key, String reason) {
		super("Shard strategy '" + strategy + "' has no shard for key [" + key + "]: " + reason);
		this.strategy = strategy;
		this.key = key;
	}

	/**
	 * Return the name of the strategy that rejected the key.
	 * @return the strategy name
	 */
	public String getStrategy() {
		return this.strategy;
	}

	/**
	 * Return the rejected key.
	 * @return the key
	 */
	public Object getKey() {
		return this.key;
	}

}
