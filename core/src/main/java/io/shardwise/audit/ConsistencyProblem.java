package io.shardwise.audit;

/**
 * One row that breaks the sharding rules, found by {@link ShardConsistencyChecker}.
 *
 * @param kind what is wrong
 * @param table the table of the row
 * @param shard the shard the row was found on
 * @param id the row's id
 * @param detail what was expected, in words
 */
public record ConsistencyProblem(Kind kind, String table, String shard, Object id, String detail) {

	@Override
	public String toString() {
		return this.kind + " " + this.table + "[" + this.id + "] on shard '" + this.shard + "': " + this.detail;
	}

	/**
	 * Kinds of problem.
	 */
	public enum Kind {

		/** The row's shard key maps to another shard. */
		MISPLACED_ROW,

		/** The row's shard key is null or maps to no shard at all. */
		UNROUTABLE_KEY,

		/** The same id is stored on more than one shard. */
		DUPLICATE_ID,

		/** A Shardwise id names another shard than the one its row is on. */
		ID_NAMES_OTHER_SHARD,

		/** A child row's parent is on another shard. */
		CHILD_AWAY_FROM_PARENT,

		/** A child row's parent exists on no shard. */
		ORPHANED_CHILD

	}

}
