package io.shardwise.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.shardwise.benchmarks.SmallFanOutBenchmark.ReportCursor;
import io.shardwise.benchmarks.weather.KeyCursor;
import io.shardwise.benchmarks.weather.PlainWeather;
import io.shardwise.benchmarks.weather.ShardedWeather;
import io.shardwise.benchmarks.weather.SmallFanOutQueries;
import io.shardwise.benchmarks.weather.UnshardedSmallQueries;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Both sides of a pair in one JVM, call after call: every operation runs the Shardwise
 * call and its baseline once each (alternating which goes first) and adds each one's
 * wall time to {@link Clock}. On a machine shared with other builds, whose load changes
 * from second to second, the two sides then see the same load, and the ratio of their
 * times (reported per iteration by {@code BenchmarkSuite}) is far steadier than the
 * ratio of two separate runs. The score of the benchmark itself (pairs per second) is
 * not used.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
public class PairedBenchmark {

	@Benchmark
	public void jdbcKeyedRead(ShardedWeather weather, KeyCursor cursor, Clock clock, Blackhole blackhole) {
		int i = cursor.next();
		String continent = cursor.keys().continent();
		long id = cursor.keys().ids()[i];
		clock.time(blackhole, () -> weather.cityQueries().cityOf(continent, id),
				() -> weather.shardPoolCityQueries().cityOf(continent, id));
	}

	@Benchmark
	public void jpaKeyedFinder(ShardedWeather weather, PlainWeather plain, KeyCursor cursor, Clock clock,
			Blackhole blackhole) {
		int i = cursor.next();
		String continent = cursor.keys().continent();
		String city = cursor.keys().cities()[i];
		clock.time(blackhole, () -> weather.locations().findByContinentAndCity(continent, city),
				() -> plain.locations().findByContinentAndCity(continent, city));
	}

	@Benchmark
	public void jpaFindById(ShardedWeather weather, PlainWeather plain, KeyCursor cursor, Clock clock,
			Blackhole blackhole) {
		long id = cursor.keys().ids()[cursor.next()];
		clock.time(blackhole, () -> weather.locations().findById(id), () -> plain.locations().findById(id));
	}

	@Benchmark
	public void jdbcKeysetPage(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, Clock clock,
			Blackhole blackhole) {
		clock.time(blackhole, sharded::jdbcKeysetPage, unsharded::jdbcKeysetPage);
	}

	@Benchmark
	public void jdbcScatterById(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, ReportCursor cursor,
			Clock clock, Blackhole blackhole) {
		long id = cursor.next();
		clock.time(blackhole, () -> sharded.jdbcFindById(id), () -> unsharded.jdbcFindById(id));
	}

	@Benchmark
	public void jpaScatterById(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, KeyCursor cursor,
			Clock clock, Blackhole blackhole) {
		long id = cursor.keys().ids()[cursor.next()];
		clock.time(blackhole, () -> sharded.jpaFindById(id), () -> unsharded.jpaFindById(id));
	}

	@Benchmark
	public void jpaCount(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, KeyCursor cursor, Clock clock,
			Blackhole blackhole) {
		String city = cursor.keys().cities()[cursor.next()];
		clock.time(blackhole, () -> sharded.jpaCountByCity(city), () -> unsharded.jpaCountByCity(city));
	}

	@Benchmark
	public void jpaKeysetWindow(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, Clock clock,
			Blackhole blackhole) {
		clock.time(blackhole, sharded::jpaKeysetWindow, unsharded::jpaKeysetWindow);
	}

	@Benchmark
	public void jpaSingleResult(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, KeyCursor cursor,
			Clock clock, Blackhole blackhole) {
		String city = cursor.keys().cities()[cursor.next()];
		clock.time(blackhole, () -> sharded.jpaFindByCity(city), () -> unsharded.jpaFindByCity(city));
	}

	@Benchmark
	public void jpaExists(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, KeyCursor cursor,
			Clock clock, Blackhole blackhole) {
		String city = cursor.keys().cities()[cursor.next()];
		clock.time(blackhole, () -> sharded.jpaExistsByCity(city), () -> unsharded.jpaExistsByCity(city));
	}

	@Benchmark
	public void jdbcOffsetPage(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, Clock clock,
			Blackhole blackhole) {
		clock.time(blackhole, sharded::jdbcOffsetPage, unsharded::jdbcOffsetPage);
	}

	@Benchmark
	public void jpaDeepPage(SmallFanOutQueries sharded, UnshardedSmallQueries unsharded, Clock clock,
			Blackhole blackhole) {
		clock.time(blackhole, sharded::jpaDeepPage, unsharded::jpaDeepPage);
	}

	/**
	 * The unit of work's price (issue 9): the same single-result fan-out (four shards,
	 * entities loaded) inside a read-only transaction, where it runs shard after shard on
	 * the caller's thread and keeps its entities managed, against outside one, where each
	 * shard call has its own transaction. Both sides are Shardwise; the baseline is the
	 * call outside a transaction.
	 */
	@Benchmark
	public void jpaFanOutInTransaction(SmallFanOutQueries sharded, Transactions transactions, KeyCursor cursor,
			Clock clock, Blackhole blackhole) {
		String city = cursor.keys().cities()[cursor.next()];
		clock.time(blackhole, () -> transactions.readOnly.execute((status) -> sharded.jpaFindByCity(city)),
				() -> sharded.jpaFindByCity(city));
	}

	/**
	 * A read-only transaction template of the Shardwise application.
	 */
	@State(Scope.Benchmark)
	public static class Transactions {

		TransactionTemplate readOnly;

		@Setup(Level.Trial)
		public void start(ShardedWeather weather) {
			this.readOnly = new TransactionTemplate(weather.context().getBean(PlatformTransactionManager.class));
			this.readOnly.setReadOnly(true);
		}

	}

	/**
	 * The wall time of each side in the current iteration, in nanoseconds.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Clock {

		/** Time spent in the Shardwise calls. */
		public long shardwiseNanos;

		/** Time spent in the baseline calls. */
		public long baselineNanos;

		private boolean shardwiseFirst;

		@Setup(Level.Iteration)
		public void reset() {
			this.shardwiseNanos = 0;
			this.baselineNanos = 0;
		}

		void time(Blackhole blackhole, Supplier<?> shardwise, Supplier<?> baseline) {
			this.shardwiseFirst = !this.shardwiseFirst;
			if (this.shardwiseFirst) {
				long start = System.nanoTime();
				blackhole.consume(shardwise.get());
				long middle = System.nanoTime();
				blackhole.consume(baseline.get());
				this.shardwiseNanos += middle - start;
				this.baselineNanos += System.nanoTime() - middle;
			}
			else {
				long start = System.nanoTime();
				blackhole.consume(baseline.get());
				long middle = System.nanoTime();
				blackhole.consume(shardwise.get());
				this.baselineNanos += middle - start;
				this.shardwiseNanos += System.nanoTime() - middle;
			}
		}

	}

}
