package io.shardwise.movetest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.shardwise.audit.ConsistencyReport;
import io.shardwise.move.MovePhase;
import io.shardwise.move.MoveStatus;
import io.shardwise.placement.Placement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Growing from 4 shards to 5 while 8 threads write and read: 25% of the buckets (4 of
 * each old shard) move to the new shard {@code s4}.
 */
abstract class LiveMoveTests {

	/** Whether the long soak runs ({@code -Pmove-soak}): longer workloads, and moves back and forth. */
	static final boolean SOAK = Boolean.getBoolean("shardwise.move.soak");

	/** The shard URLs of a fresh set of databases, s0..s4. */
	abstract List<String> urls(String name);

	String user() {
		return null;
	}

	String password() {
		return null;
	}

	MoveTestInstance start(List<String> urls, int node, String refresh, List<String> map) {
		return MoveTestInstance.start(urls, user(), password(), node, refresh, map);
	}

	static List<Integer> quarterOfTheBuckets() {
		// Four buckets of each of the four old shards: 16 of 64.
		return IntStream.range(0, MoveTestInstance.BUCKETS).filter((bucket) -> bucket % 16 < 4).boxed().toList();
	}

	@Test
	void liveMoveOfAQuarterOfTheBucketsLosesNothing() throws Exception {
		List<String> urls = urls("live");
		try (MoveTestInstance instance = start(urls, 1, "1s", null)) {
			assertThat(MoveChecks.countOn(instance, "s4", "customers")).isZero();
			MoveWorkload workload = new MoveWorkload(List.of(instance), 8);
			workload.start();
			Thread.sleep(SOAK ? 10_000 : 1500);
			long beforeOps = workload.operations.get();
			long beforeStart = System.nanoTime();
			Thread.sleep(SOAK ? 20_000 : 1500);
			double before = (workload.operations.get() - beforeOps) / ((System.nanoTime() - beforeStart) / 1e9);
			workload.resetMaxWrite();
			long duringOps = workload.operations.get();
			long duringStart = System.nanoTime();
			MoveStatus status = instance.mover().move(quarterOfTheBuckets(), "s4");
			double seconds = (System.nanoTime() - duringStart) / 1e9;
			double during = (workload.operations.get() - duringOps) / seconds;
			long maxWriteMillis = workload.maxWriteNanos.get() / 1_000_000;
			if (SOAK) {
				// Then move the buckets back and forth under the same load.
				for (int round = 0; round < 4; round++) {
					List<Integer> back = quarterOfTheBuckets().stream().filter((bucket) -> bucket % 2 == 0).toList();
					instance.mover().move(back, "s" + (round % 4));
					instance.mover().move(back, "s4");
				}
			}
			// Throughput after the move too: the window before it still includes JIT warm-up.
			long afterOps = workload.operations.get();
			long afterStart = System.nanoTime();
			Thread.sleep(1500);
			double after = (workload.operations.get() - afterOps) / ((System.nanoTime() - afterStart) / 1e9);
			workload.stop();
			System.out.printf("LIVE MOVE [%s]: %s%n  move took %.2f s; throughput before %.0f ops/s, during %.0f ops/s, "
					+ "after %.0f ops/s (during/before %.2f, during/after %.2f); max write latency during the move %d ms "
					+ "(incl. retries); mover's max pause %.1f ms; writes refused and retried %d; writes %d%n",
					getClass().getSimpleName(), status, seconds, before, during, after, during / before, during / after,
					maxWriteMillis, status.maxPauseMillis(), workload.refusedWrites.get(), workload.writes.get());
			assertThat(workload.errors).as("errors %s", workload.errorSample()).isEmpty();
			assertThat(status.phase()).isEqualTo(MovePhase.DONE);
			assertThat(status.bucketsCutOver()).isEqualTo(16);
			Placement placement = instance.bean(Placement.class);
			assertThat(placement.version()).isEqualTo(SOAK ? 1 + 16 + 8 * 8 : 1 + 16);
			quarterOfTheBuckets().forEach((bucket) -> assertThat(placement.strategy().shardOfBucket(bucket)).isEqualTo("s4"));
			ConsistencyReport report = MoveChecks.assertIntact(instance, workload);
			System.out.println("  after the move: " + report.getRowCounts());
			assertThat(report.getRowCounts().get("customers").get("s4")).isPositive();
			assertThat(MoveTestInstance.storedMap(urls.get(0), user(), password()))
				.isEqualTo(placement.strategy().getShardByBucket());
		}
		// The walk ends with bucket-shards set to the stored map: the instance starts again.
		List<String> stored = MoveTestInstance.storedMap(urls.get(0), user(), password());
		try (MoveTestInstance restarted = start(urls, 1, "1s", stored)) {
			assertThat(restarted.bean(Placement.class).version()).isEqualTo(SOAK ? 1 + 16 + 8 * 8 : 1 + 16);
		}
	}

	static Map<String, Long> counts(MoveTestInstance instance, String table) {
		Map<String, Long> counts = new java.util.LinkedHashMap<>();
		MoveTestInstance.SHARDS.forEach((shard) -> counts.put(shard, MoveChecks.countOn(instance, shard, table)));
		return counts;
	}

	static List<Integer> list(int... values) {
		List<Integer> list = new ArrayList<>();
		for (int value : values) {
			list.add(value);
		}
		return list;
	}

}
