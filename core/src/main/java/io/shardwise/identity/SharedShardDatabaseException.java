package io.shardwise.identity;

/**
 * Thrown at startup when two shards reach the same database: each would answer for the
 * other's rows, so every unkeyed read would return them twice and writes would land where
 * the other shard's keys belong.
 */
public class SharedShardDatabaseException extends IllegalStateException {

	private final String firstShard;

	private final String secondShard;

	/**
	 * Create the exception.
	 * @param firstShard the id of the first shard on the database
	 * @param secondShard the id of the other shard on it
	 * @param database the database's identity
	 */
	public SharedShardDatabaseException(String firstShard, String secondShard, String database) {
		super("Shards '" + firstShard + "' and '" + secondShard + "' are configured onto the same database (" + database
				+ "); give every shard a database of its own");
		this.firstShard = firstShard;
		this.secondShard = secondShard;
	}

	/**
	 * Return the id of the first shard on the shared database.
	 * @return the shard id
	 */
	public String getFirstShard() {
		return this.firstShard;
	}

	/**
	 * Return the id of the second shard on the shared database.
	 * @return the shard id
	 */
	public String getSecondShard() {
		return this.secondShard;
	}

}
