package io.shardwise.move;

/**
 * Phases of a bucket move, in order.
 */
public enum MovePhase {

	/** Writes to the buckets are captured; their rows are copied to the target's shadow tables. */
	COPY,

	/** Writes captured during the copy are applied to the copy. */
	CATCH_UP,

	/** Source and copy are compared row by row (counts and checksums). */
	VERIFY,

	/** Bucket by bucket: writes pause, the last changes are applied and verified, the map switches. */
	CUTOVER,

	/** The moved rows are deleted from their old shards, and the shadow tables dropped. */
	CLEANUP,

	/** The move completed. */
	DONE,

	/** The move stopped on an error; resume or cancel it. */
	FAILED,

	/** The move was cancelled: buckets not cut over stay where they were. */
	CANCELLED

}
