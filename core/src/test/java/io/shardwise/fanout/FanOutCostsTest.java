package io.shardwise.fanout;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The choice between parallel and sequential fan-outs follows what they were measured to
 * cost, and one slow measurement does not decide it for good.
 */
class FanOutCostsTest {

	private static final long LIMIT = Long.MAX_VALUE;

	@Test
	void aFirstSequentialRunThatWasSlowIsTriedAgainAndWinsWhenCheaper() {
		FanOutCosts.Cost cost = new FanOutCosts().of("workload");
		cost.parallel(100_000, 40_000);
		assertThat(cost.runSequentially(LIMIT)).as("probe").isTrue();
		// Cold code: the probe took ten times the parallel run.
		cost.sequential(1_000_000);
		int sequentialRuns = 0;
		for (int i = 0; i < 4 * FanOutCosts.EXPLORE_RARELY; i++) {
			if (cost.runSequentially(LIMIT)) {
				sequentialRuns++;
				cost.sequential(30_000);
			}
			else {
				cost.parallel(100_000, 40_000);
			}
		}
		// Retried every EXPLORE_RARELY calls until within twice the parallel cost, then it wins.
		assertThat(cost.sequentialNanos()).isLessThan(cost.parallelNanos());
		assertThat(sequentialRuns).isGreaterThan(FanOutCosts.EXPLORE_RARELY / 2);
		int last = 0;
		for (int i = 0; i < 100; i++) {
			last += cost.runSequentially(LIMIT) ? 1 : 0;
		}
		assertThat(last).isGreaterThanOrEqualTo(98);
	}

	@Test
	void aWorkloadThatGainsFromParallelismRarelyRunsSequentially() {
		FanOutCosts.Cost cost = new FanOutCosts().of("slow statements");
		cost.parallel(2_000_000, 8_000_000);
		assertThat(cost.runSequentially(LIMIT)).isTrue();
		cost.sequential(8_000_000);
		int sequentialRuns = 0;
		for (int i = 0; i < 4 * FanOutCosts.EXPLORE_RARELY; i++) {
			if (cost.runSequentially(LIMIT)) {
				sequentialRuns++;
				cost.sequential(8_000_000);
			}
			else {
				cost.parallel(2_000_000, 8_000_000);
			}
		}
		assertThat(sequentialRuns).isEqualTo(4);
	}

	@Test
	void aWorkloadThatGainsFromRunningOnTheCallerRarelyRunsInParallel() {
		FanOutCosts.Cost cost = new FanOutCosts().of("fast statements");
		cost.parallel(100_000, 20_000);
		assertThat(cost.runSequentially(LIMIT)).isTrue();
		cost.sequential(20_000);
		int parallelRuns = 0;
		for (int i = 0; i < 4 * FanOutCosts.EXPLORE_RARELY; i++) {
			if (cost.runSequentially(LIMIT)) {
				cost.sequential(20_000);
			}
			else {
				parallelRuns++;
				cost.parallel(100_000, 20_000);
			}
		}
		assertThat(parallelRuns).isEqualTo(4);
	}

	@Test
	void estimatesFollowFasterSamplesQuicklyAndSlowerOnesSlowly() {
		FanOutCosts.Cost cost = new FanOutCosts().of("noisy");
		cost.parallel(80_000, 0);
		cost.parallel(40_000, 0);
		assertThat(cost.parallelNanos()).isEqualTo(60_000);
		cost.parallel(140_000, 0);
		assertThat(cost.parallelNanos()).isEqualTo(70_000);
	}

	@Test
	void noSequentialRunBeyondTheLimit() {
		FanOutCosts.Cost cost = new FanOutCosts().of("near the deadline");
		cost.parallel(100_000, 400_000);
		assertThat(cost.runSequentially(300_000)).isFalse();
	}

	@Test
	void aSequentialRunHeldUpBeyondTheLimitDoesNotKeepTheWorkloadOffTheCallerForGood() {
		FanOutCosts.Cost cost = new FanOutCosts().of("once held up by a locked shard");
		long limit = 5_000_000;
		cost.parallel(100_000, 20_000);
		assertThat(cost.runSequentially(limit)).isTrue();
		cost.sequential(20_000);
		// A shard held the caller up to a 500 ms deadline.
		cost.sequential(500_000_000);
		assertThat(cost.runSequentially(limit)).isFalse();
		int parallelRuns = 0;
		while (!cost.runSequentially(limit) && parallelRuns < 1000) {
			parallelRuns++;
			cost.parallel(100_000, 20_000);
		}
		// The parallel runs' shard calls, 20 us in all, bring the estimate back under the limit.
		assertThat(parallelRuns).isBetween(1, 20);
		assertThat(cost.sequentialNanos()).isLessThan(limit);
	}

}
