package io.shardwise.benchmarks;

import java.util.concurrent.TimeUnit;

import io.shardwise.benchmarks.weather.KeyCursor;
import io.shardwise.benchmarks.weather.ShardedWeather;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing overhead on the JDBC path: a keyed point read through {@code JdbcTemplate}.
 * <ul>
 * <li>{@code shardwise}: a {@code @ShardKey} bean method whose template runs on the
 * routing DataSource ({@code LazyConnectionDataSourceProxy} over
 * {@code ShardRoutingDataSource}).
 * <li>{@code baseline}: the same code with a template on the shard's own HikariCP pool.
 * </ul>
 * Both read the same rows of the same database in the same order.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class JdbcRoutingBenchmark {

	@Benchmark
	public String shardwise(ShardedWeather weather, KeyCursor cursor) {
		int i = cursor.next();
		return weather.cityQueries().cityOf(cursor.keys().continent(), cursor.keys().ids()[i]);
	}

	@Benchmark
	public String baseline(ShardedWeather weather, KeyCursor cursor) {
		int i = cursor.next();
		return weather.shardPoolCityQueries().cityOf(cursor.keys().continent(), cursor.keys().ids()[i]);
	}

}
