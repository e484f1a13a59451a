package io.shardwise.benchmarks;

import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.shardwise.benchmarks.weather.WeatherData;
import io.shardwise.id.ShardIds;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Id generation ({@code @ShardwiseId}'s {@link ShardIds}): ids per second on one and on
 * two threads, all threads drawing from the same shard's sequence (the contended case).
 *
 * <p>Uniqueness check: every thread keeps its last {@value IdRecorder#CAPACITY} ids in a
 * ring buffer (one array store per id, included in the score); after each iteration the
 * buffers of all threads, which cover the same span of time, are sorted together and
 * any duplicate fails the run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IdGenerationBenchmark {

	private static final int SHARD_INDEX = WeatherData.CONTINENTS.indexOf(WeatherData.FOCUS_CONTINENT);

	@Benchmark
	@Threads(1)
	public long oneThread(Generator generator, IdRecorder recorder) {
		return recorder.record(generator.ids.next(SHARD_INDEX));
	}

	@Benchmark
	@Threads(2)
	public long twoThreads(Generator generator, IdRecorder recorder) {
		return recorder.record(generator.ids.next(SHARD_INDEX));
	}

	/**
	 * The generator under test, shared by all threads, and the uniqueness check.
	 */
	@State(Scope.Benchmark)
	public static class Generator {

		final ShardIds ids = new ShardIds(WeatherData.CONTINENTS.size(), 0);

		final Queue<IdRecorder> recorders = new ConcurrentLinkedQueue<>();

		private long checked;

		/**
		 * Check that the ids of all threads in the last iteration are unique and decode to
		 * the shard they were drawn for.
		 */
		@TearDown(Level.Iteration)
		public void checkUnique() {
			int total = 0;
			for (IdRecorder recorder : this.recorders) {
				total += recorder.size();
			}
			long[] all = new long[total];
			int filled = 0;
			for (IdRecorder recorder : this.recorders) {
				filled = recorder.drainTo(all, filled);
			}
			Arrays.sort(all);
			for (int i = 0; i < all.length; i++) {
				if (i > 0 && all[i] == all[i - 1]) {
					throw new IllegalStateException("Duplicate id " + all[i] + " among " + all.length + " ids");
				}
				if (ShardIds.shardIndexOf(all[i]) != SHARD_INDEX) {
					throw new IllegalStateException("Id " + all[i] + " does not decode to shard " + SHARD_INDEX);
				}
			}
			this.checked += all.length;
		}

		/**
		 * Report how many ids were checked.
		 */
		@TearDown(Level.Trial)
		public void report() {
			System.out.println("Uniqueness check: " + this.checked + " ids from " + this.recorders.size()
					+ " thread(s), no duplicates");
		}

	}

	/**
	 * One thread's most recent ids.
	 */
	@State(Scope.Thread)
	public static class IdRecorder {

		static final int CAPACITY = 1 << 20;

		private final long[] recent = new long[CAPACITY];

		private long recorded;

		@Setup(Level.Trial)
		public void register(Generator generator) {
			generator.recorders.add(this);
		}

		long record(long id) {
			this.recent[(int) (this.recorded++ & (CAPACITY - 1))] = id;
			return id;
		}

		int size() {
			return (int) Math.min(this.recorded, CAPACITY);
		}

		int drainTo(long[] target, int offset) {
			int size = size();
			System.arraycopy(this.recent, 0, target, offset, size);
			this.recorded = 0;
			return offset + size;
		}

	}

}
