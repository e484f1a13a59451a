package io.shardwise.move;

/**
 * Told of a move's progress: at the start of each phase, after each copied batch and
 * after each bucket's cutover. Called on the mover's thread; an exception thrown here
 * stops the move as a crash would (it stays recorded, to be resumed or cancelled).
 */
@FunctionalInterface
public interface MoveObserver {

	/** An observer that does nothing. */
	MoveObserver NONE = (status) -> {
	};

	/**
	 * Called with the move's status.
	 * @param status the current status
	 */
	void progress(MoveStatus status);

}
