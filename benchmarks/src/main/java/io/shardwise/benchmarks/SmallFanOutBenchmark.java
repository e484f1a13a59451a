package io.shardwise.benchmarks;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.shardwise.benchmarks.plain.PlainLocationRecord;
import io.shardwise.benchmarks.plain.PlainReport;
import io.shardwise.benchmarks.sharded.LocationRecord;
import io.shardwise.benchmarks.sharded.Report;
import io.shardwise.benchmarks.weather.FanOutQueries.Reading;
import io.shardwise.benchmarks.weather.KeyCursor;
import io.shardwise.benchmarks.weather.SmallFanOutQueries;
import io.shardwise.benchmarks.weather.UnshardedSmallQueries;
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

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Window;

/**
 * Small fan-outs and deep pages (issue 10): queries without a shard key whose statement
 * costs a few microseconds on each of the four shards, against the same query on one
 * unsharded database holding all rows, in the same JVM.
 * <ul>
 * <li>{@code jdbcKeysetPage}: {@code where id > ? order by id limit 20},
 * {@code queryOrdered} vs {@code JdbcTemplate.query};
 * <li>{@code jpaKeysetWindow}: {@code findFirst20ByOrderByIdAsc(keyset position)} on both;
 * <li>{@code jdbcFindById}: a report by primary key, first hit of every shard vs one query;
 * <li>{@code jpaFindById}: {@code findById} of an entity without Shardwise ids;
 * <li>{@code jpaFindByCity}, {@code jpaCountByCity}, {@code jpaExistsByCity}: a single
 * result, a count and an existence check by an indexed column;
 * <li>{@code jdbcOffsetPage} and {@code jpaDeepPage}: rows 10,000 to 10,019 in id order,
 * as SQL and as a Spring Data {@code Page} with its total.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class SmallFanOutBenchmark {

	@Benchmark
	public List<Reading> shardwiseJdbcKeysetPage(SmallFanOutQueries queries) {
		return queries.jdbcKeysetPage();
	}

	@Benchmark
	public List<Reading> unshardedJdbcKeysetPage(UnshardedSmallQueries queries) {
		return queries.jdbcKeysetPage();
	}

	@Benchmark
	public Window<Report> shardwiseJpaKeysetWindow(SmallFanOutQueries queries) {
		return queries.jpaKeysetWindow();
	}

	@Benchmark
	public Window<PlainReport> unshardedJpaKeysetWindow(UnshardedSmallQueries queries) {
		return queries.jpaKeysetWindow();
	}

	@Benchmark
	public Optional<Reading> shardwiseJdbcFindById(SmallFanOutQueries queries, ReportCursor cursor) {
		return queries.jdbcFindById(cursor.next());
	}

	@Benchmark
	public Optional<Reading> unshardedJdbcFindById(UnshardedSmallQueries queries, ReportCursor cursor) {
		return queries.jdbcFindById(cursor.next());
	}

	@Benchmark
	public Optional<LocationRecord> shardwiseJpaFindById(SmallFanOutQueries queries, KeyCursor cursor) {
		return queries.jpaFindById(cursor.keys().ids()[cursor.next()]);
	}

	@Benchmark
	public Optional<PlainLocationRecord> unshardedJpaFindById(UnshardedSmallQueries queries, KeyCursor cursor) {
		return queries.jpaFindById(cursor.keys().ids()[cursor.next()]);
	}

	@Benchmark
	public Optional<LocationRecord> shardwiseJpaFindByCity(SmallFanOutQueries queries, KeyCursor cursor) {
		return queries.jpaFindByCity(cursor.keys().cities()[cursor.next()]);
	}

	@Benchmark
	public Optional<PlainLocationRecord> unshardedJpaFindByCity(UnshardedSmallQueries queries, KeyCursor cursor) {
		return queries.jpaFindByCity(cursor.keys().cities()[cursor.next()]);
	}

	@Benchmark
	public long shardwiseJpaCountByCity(SmallFanOutQueries queries, KeyCursor cursor) {
		return queries.jpaCountByCity(cursor.keys().cities()[cursor.next()]);
	}

	@Benchmark
	public long unshardedJpaCountByCity(UnshardedSmallQueries queries, KeyCursor cursor) {
		return queries.jpaCountByCity(cursor.keys().cities()[cursor.next()]);
	}

	@Benchmark
	public boolean shardwiseJpaExistsByCity(SmallFanOutQueries queries, KeyCursor cursor) {
		return queries.jpaExistsByCity(cursor.keys().cities()[cursor.next()]);
	}

	@Benchmark
	public boolean unshardedJpaExistsByCity(UnshardedSmallQueries queries, KeyCursor cursor) {
		return queries.jpaExistsByCity(cursor.keys().cities()[cursor.next()]);
	}

	@Benchmark
	public List<Reading> shardwiseJdbcOffsetPage(SmallFanOutQueries queries) {
		return queries.jdbcOffsetPage();
	}

	@Benchmark
	public List<Reading> unshardedJdbcOffsetPage(UnshardedSmallQueries queries) {
		return queries.jdbcOffsetPage();
	}

	@Benchmark
	public Page<Report> shardwiseJpaDeepPage(SmallFanOutQueries queries) {
		return queries.jpaDeepPage();
	}

	@Benchmark
	public Page<PlainReport> unshardedJpaDeepPage(UnshardedSmallQueries queries) {
		return queries.jpaDeepPage();
	}

	/**
	 * Walks one thread through reports of all four shards, wrapping around; both sides
	 * visit the same ids in the same order.
	 */
	@State(Scope.Thread)
	public static class ReportCursor {

		private long[] ids;

		private int position = -1;

		@Setup(Level.Trial)
		public void start(SmallFanOutQueries queries) {
			this.ids = queries.reportIds();
		}

		long next() {
			if (++this.position == this.ids.length) {
				this.position = 0;
			}
			return this.ids[this.position];
		}

	}

}
