package io.shardwise.routing;

import org.springframework.dao.TransientDataAccessException;

/**
 * Thrown instead of the answer of an unkeyed fan-out that Shardwise cannot give exactly
 * at the moment: a bucket move is between its cutover and its cleanup (the bucket's rows
 * are on two shards) and the results cannot be filtered per row, or this instance's view
 * of the placement is too old to tell. Nothing was written; the same call succeeds once
 * the move has cleaned up, or at once with a shard key.
 *
 * @see PlacedFanOut
 */
public class InexactFanOutException extends TransientDataAccessException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the exception.
	 * @param message what was refused and why
	 */
	public InexactFanOutException(String message) {
		super(message);
	}

}
