package io.shardwise.move;

/**
 * Thrown when a move cannot start; nothing was moved or changed.
 */
public class MoveRefusedException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	/**
	 * Create the exception.
	 * @param reason why the move was refused
	 * @param message the message, naming the shard or buckets
	 */
	public MoveRefusedException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	/**
	 * Return why the move was refused.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Why a move was refused.
	 */
	public enum Reason {

		/** The target shard is not configured. */
		UNKNOWN_SHARD,

		/** A bucket is outside the strategy's buckets, or none was given. */
		UNKNOWN_BUCKET,

		/** A bucket already belongs to the target shard. */
		ALREADY_ON_TARGET,

		/** A bucket is part of the move in progress. */
		BUCKET_ALREADY_MOVING,

		/** Another move is in progress (one move at a time, across all instances). */
		MOVE_IN_PROGRESS,

		/** There is no recorded move to resume or cancel. */
		NO_MOVE

	}

}
