package io.shardwise.move;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a move.
 *
 * @param strategy the placed strategy
 * @param buckets the buckets being moved
 * @param target the target shard id
 * @param phase the current (or last) phase
 * @param running whether a mover thread works on it now (false for a move recorded by an
 * instance that stopped, until it is resumed or cancelled)
 * @param rowsCopied rows copied to the target so far
 * @param changesApplied captured writes applied to the copy so far
 * @param catchUpLag captured writes not yet applied, as of the last catch-up pass
 * @param bucketsCutOver buckets whose cutover completed
 * @param lastPauseMillis the write pause of the latest bucket cutover
 * @param maxPauseMillis the longest write pause of a bucket cutover so far
 * @param startedAt when the move started
 * @param error the error that stopped the move, or {@code null}
 * @param mismatches rows found to differ by the last verification (at most 100)
 */
public record MoveStatus(String strategy, List<Integer> buckets, String target, MovePhase phase, boolean running,
		long rowsCopied, long changesApplied, long catchUpLag, int bucketsCutOver, double lastPauseMillis,
		double maxPauseMillis, Instant startedAt, String error, List<String> mismatches) {

}
