package io.shardwise.move;

import java.util.List;

/**
 * Thrown when the copy of a bucket differs from its source: the bucket was not cut over,
 * and the move stopped (resume it to copy again, or cancel it).
 */
public class MoveVerificationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final List<String> mismatches;

	MoveVerificationException(String what, List<String> mismatches, long total) {
		super(what + ": " + total + " row(s) differ between source and copy, refusing to cut over: "
				+ String.join("; ", mismatches));
		this.mismatches = List.copyOf(mismatches);
	}

	/**
	 * Return the differing rows (at most 100), e.g. {@code orders[42]: missing on target}.
	 * @return the mismatches
	 */
	public List<String> getMismatches() {
		return this.mismatches;
	}

}
