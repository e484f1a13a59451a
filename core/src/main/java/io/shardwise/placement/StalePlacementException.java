package io.shardwise.placement;

import org.springframework.dao.TransientDataAccessException;

/**
 * Thrown by a routed write whose shard no longer owns (or does not yet own) the row's
 * bucket: the instance routed by an older map than the stored one, or the bucket is in
 * the short write pause of its cutover (or its check waited past the database's lock
 * timeout for a cutover to end). Nothing was written; the instance has reloaded
 * the map, so retrying the whole transaction routes it to the bucket's owner.
 */
public class StalePlacementException extends TransientDataAccessException {

	private static final long serialVersionUID = 1L;

	private final int bucket;

	private final String shard;

	StalePlacementException(int bucket, String shard, String state, long routedVersion, Throwable cause) {
		super("Shard '" + shard + "' does not own bucket " + bucket + " (" + state + "); this write was routed by "
				+ "placement version " + routedVersion + ". Nothing was written: retry the transaction", cause);
		this.bucket = bucket;
		this.shard = shard;
	}

	/**
	 * Return the bucket of the refused write.
	 * @return the bucket
	 */
	public int getBucket() {
		return this.bucket;
	}

	/**
	 * Return the id of the shard that refused the write.
	 * @return the shard id
	 */
	public String getShard() {
		return this.shard;
	}

}
