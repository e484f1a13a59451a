package io.shardwise.autoconfigure;

/**
 * Thrown at startup when a shard's database answers but refuses the connection: wrong
 * credentials, an unknown database, or another error that no waiting fixes. Names the
 * shard and the property to fix, never its value (a password, or a URL that may hold
 * one).
 */
public class ShardStartupException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String shard;

	private final String property;

	/**
	 * Create an exception.
	 * @param shard the shard id
	 * @param property the property to fix
	 * @param message what happened
	 */
	public ShardStartupException(String shard, String property, String message) {
		super(message);
		this.shard = shard;
		this.property = property;
	}

	/**
	 * Return the id of the shard that refused the connection.
	 * @return the shard id
	 */
	public String getShard() {
		return this.shard;
	}

	/**
	 * Return the property to fix, such as {@code shardwise.shards.asia.password}.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

}
