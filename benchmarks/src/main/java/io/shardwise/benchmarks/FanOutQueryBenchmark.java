package io.shardwise.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.shardwise.benchmarks.plain.PlainReport;
import io.shardwise.benchmarks.sharded.Report;
import io.shardwise.benchmarks.weather.FanOutQueries;
import io.shardwise.benchmarks.weather.FanOutQueries.Reading;
import io.shardwise.benchmarks.weather.UnshardedQueries;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Window;

/**
 * Queries without a shard key on all four shards (Shardwise fans them out in parallel)
 * against the same query on one unsharded database holding the same rows.
 * <ul>
 * <li>{@code top100}: {@code select id, temperature ... order by temperature desc, id
 * limit 100} without an index on temperature; {@code ShardedJdbcTemplate.queryOrdered}
 * vs {@code JdbcTemplate.query} (the same SQL and row mapper).
 * <li>{@code page500}: rows 10,000 to 10,019 in id order, through the same Spring Data
 * repository method {@code findFirst20ByOrderByIdAsc(ScrollPosition)}: a keyset position
 * through Shardwise vs an offset position on the unsharded database ({@code offset 10000
 * rows}); {@code shardwiseOffsetPage500} is Shardwise's OFFSET rewrite of
 * {@code findBy(PageRequest.of(500, 20))} (10,020 rows from every shard).
 * <li>{@code groupBy}: reports per continent with COUNT and AVG;
 * {@code ShardedJdbcTemplate.aggregate} (COUNT, SUM and COUNT per shard) vs a plain
 * {@code GROUP BY} with {@code AVG}.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class FanOutQueryBenchmark {

	@Benchmark
	public List<Reading> shardwiseTop100(FanOutQueries queries) {
		return queries.top100();
	}

	@Benchmark
	public List<Reading> unshardedTop100(UnshardedQueries queries) {
		return queries.top100();
	}

	@Benchmark
	public Window<Report> shardwiseKeysetPage500(FanOutQueries queries) {
		return queries.keysetPage();
	}

	@Benchmark
	public Window<PlainReport> unshardedOffsetPage500(UnshardedQueries queries) {
		return queries.offsetPage();
	}

	@Benchmark
	public Slice<Report> shardwiseOffsetPage500(FanOutQueries queries) {
		return queries.offsetPage();
	}

	@Benchmark
	public List<Map<String, Object>> shardwiseGroupBy(FanOutQueries queries) {
		return queries.groupBy();
	}

	@Benchmark
	public List<Map<String, Object>> unshardedGroupBy(UnshardedQueries queries) {
		return queries.groupBy();
	}

}
