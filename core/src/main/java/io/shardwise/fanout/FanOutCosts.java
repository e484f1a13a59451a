package io.shardwise.fanout;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What fan-outs of each workload have been measured to cost, run in parallel on workers
 * and run one shard after the other on the calling thread, so that the executor can run
 * each workload the cheaper way. A workload is what the shard calls do, such as a
 * repository method or an SQL text.
 *
 * <p>A workload starts in parallel. A parallel run also measures its shard calls, whose
 * sum is the first guess of the sequential cost (and later lowers an estimate above it,
 * such as one left by a run that waited for a slow shard); if that guess is within the limit, the
 * next call runs sequentially once to measure it; from then on the cheaper side wins, and
 * every {@value #EXPLORE_EVERY}th call runs the other way to keep its estimate current.
 * While the other way is estimated to cost more than twice the preferred one, it is only
 * tried every {@value #EXPLORE_RARELY}th call: a workload that clearly gains from one way
 * rarely pays for testing the other (on a fast database a parallel run costs several
 * sequential ones), and one whose first sequential runs were slow (code not yet compiled,
 * a burst of load) is not locked out for good.
 *
 * <p>Estimates are moving averages of wall time that follow a faster sample at once
 * halfway and a slower one by an eighth: on a shared machine the noise of a sample is
 * mostly time lost to other threads, which only ever adds, so the faster samples are
 * nearer to what the workload costs.
 *
 * <p>The fields are updated without synchronization by concurrent callers: a lost update
 * only delays the estimate by one sample, and the fast path allocates nothing.
 */
final class FanOutCosts {

	/** How many workloads are tracked; others always run in parallel. */
	static final int MAX_WORKLOADS = 1024;

	/** One call in this many runs the way that is not preferred, to re-measure it. */
	static final int EXPLORE_EVERY = 64;

	/** How often the way not preferred is tried while it is estimated to cost twice the preferred one or more. */
	static final int EXPLORE_RARELY = 1024;

	private final ConcurrentHashMap<Object, Cost> costs = new ConcurrentHashMap<>();

	/**
	 * Return the cost of a workload, or {@code null} when too many are tracked already.
	 * @param workload identifies the work of the shard calls
	 * @return its cost, or {@code null}
	 */
	Cost of(Object workload) {
		Cost cost = this.costs.get(workload);
		if (cost == null && this.costs.size() < MAX_WORKLOADS) {
			cost = this.costs.computeIfAbsent(workload, (key) -> new Cost());
		}
		return cost;
	}

	/**
	 * The measured cost of one workload.
	 */
	static final class Cost {

		private long parallelNanos = -1;

		private long sequentialNanos = -1;

		private boolean sequentialMeasured;

		private int calls;

		/**
		 * Return whether the next fan-out should run sequentially on the caller.
		 * @param limitNanos the longest a sequential run may be expected to take
		 * @return whether to run sequentially
		 */
		boolean runSequentially(long limitNanos) {
			long parallel = this.parallelNanos;
			long sequential = this.sequentialNanos;
			if (parallel < 0 || sequential < 0 || sequential > limitNanos) {
				return false;
			}
			if (!this.sequentialMeasured) {
				// Shard calls timed on busy workers overstate what they cost in a row: try the
				// sequential way once (it is within the limit) instead of trusting the guess.
				return true;
			}
			boolean preferSequential = sequential < parallel;
			long preferred = preferSequential ? sequential : parallel;
			long other = preferSequential ? parallel : sequential;
			int call = ++this.calls;
			if (call % EXPLORE_EVERY == 0 && (other < 2 * preferred || call % EXPLORE_RARELY == 0)) {
				return !preferSequential;
			}
			return preferSequential;
		}

		/**
		 * Record a parallel fan-out that returned every shard's result.
		 * @param wallNanos its wall time
		 * @param shardCallNanos the sum of its shard calls' times
		 */
		void parallel(long wallNanos, long shardCallNanos) {
			this.parallelNanos = average(this.parallelNanos, wallNanos);
			// Before the first sequential run the sum of the shard calls is the guess. After
			// it, a smaller sum shows that the estimate is stale (a run held up by a slow shard
			// or a burst of load) and brings it down, so that a workload whose estimate went
			// over the limit is not kept off the caller for good; a larger sum is not taken,
			// since shard calls on busy workers overstate what they cost in a row.
			if (!this.sequentialMeasured || shardCallNanos < this.sequentialNanos) {
				this.sequentialNanos = average(this.sequentialNanos, shardCallNanos);
			}
		}

		/**
		 * Record a sequential fan-out that returned every shard's result.
		 * @param wallNanos its wall time
		 */
		void sequential(long wallNanos) {
			this.sequentialNanos = this.sequentialMeasured ? average(this.sequentialNanos, wallNanos) : wallNanos;
			this.sequentialMeasured = true;
		}

		long parallelNanos() {
			return this.parallelNanos;
		}

		long sequentialNanos() {
			return this.sequentialNanos;
		}

		private static long average(long estimate, long sample) {
			if (estimate < 0) {
				return sample;
			}
			return estimate + ((sample < estimate) ? (sample - estimate) / 2 : (sample - estimate) / 8);
		}

	}

}
