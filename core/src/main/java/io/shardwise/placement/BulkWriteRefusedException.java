package io.shardwise.placement;

import java.util.Map;

import org.springframework.dao.TransientDataAccessException;

/**
 * Thrown by a bulk write (a {@code @Modifying} repository query) routed to a shard where
 * buckets of the placed strategy are moving: a move captures and fences only the writes
 * Hibernate makes entity by entity, so it would lose the bulk write's changes. Nothing
 * was written; run it again once the move is done (or before it starts).
 */
public class BulkWriteRefusedException extends TransientDataAccessException {

	private static final long serialVersionUID = 1L;

	private final String shard;

	private final Map<Integer, String> buckets;

	BulkWriteRefusedException(String operation, String shard, Map<Integer, String> buckets) {
		super(operation + " is a bulk write (@Modifying), and buckets " + buckets.keySet() + " of shard '" + shard
				+ "' are moving (" + buckets + "); a move does not see bulk writes, so it is refused. Nothing was "
				+ "written: run it again after the move, or write the rows through the repository's save and delete");
		this.shard = shard;
		this.buckets = Map.copyOf(buckets);
	}

	/**
	 * Return the id of the shard the bulk write was routed to.
	 * @return the shard id
	 */
	public String getShard() {
		return this.shard;
	}

	/**
	 * Return the buckets moving on that shard, with their states.
	 * @return the state of each moving bucket
	 */
	public Map<Integer, String> getBuckets() {
		return this.buckets;
	}

}
