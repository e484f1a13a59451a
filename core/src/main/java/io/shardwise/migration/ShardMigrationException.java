package io.shardwise.migration;

/**
 * Thrown when the schema migration of a shard fails. Names the shard; the cause is
 * Flyway's error.
 */
public class ShardMigrationException extends RuntimeException {

	private final String shard;

	public ShardMigrationException(String shard, Throwable cause) {
		super("Schema migration of shard '" + shard + "' failed: " + cause.getMessage(), cause);
		this.shard = shard;
	}

	/**
	 * Return the id of the shard whose migration failed.
	 * @return the shard id
	 */
	public String getShard() {
		return this.shard;
	}

}
