package io.shardwise.id;

/**
 * Thrown when this instance has no valid id node: every node number is leased, its
 * configured node is in use by another running instance, or its lease was lost or ran
 * out. Ids are refused rather than risk duplicating another instance's.
 */
public class NodeLeaseException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what happened and what to do
	 */
	public NodeLeaseException(String message) {
		super(message);
	}

	/**
	 * Create an exception.
	 * @param message what happened and what to do
	 * @param cause the database's error
	 */
	public NodeLeaseException(String message, Throwable cause) {
		super(message, cause);
	}

}
