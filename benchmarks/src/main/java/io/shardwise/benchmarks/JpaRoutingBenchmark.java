package io.shardwise.benchmarks;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.shardwise.benchmarks.plain.PlainWeatherLocation;
import io.shardwise.benchmarks.sharded.WeatherLocation;
import io.shardwise.benchmarks.weather.KeyCursor;
import io.shardwise.benchmarks.weather.PlainWeather;
import io.shardwise.benchmarks.weather.ShardedWeather;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing overhead on the JPA path, through a Spring Data repository:
 * <ul>
 * <li>{@code findByKey}: {@code findByContinentAndCity(@ShardKey continent, city)}, a
 * point read on an indexed column;
 * <li>{@code findById}: routed by the shard index inside the id.
 * </ul>
 * The Shardwise side calls the repository of the four-shard application; the baseline
 * calls the same repository in a single-DataSource application without Shardwise whose
 * database is the focus shard's own.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class JpaRoutingBenchmark {

	@Benchmark
	public Optional<WeatherLocation> shardwiseFindByKey(ShardedWeather weather, KeyCursor cursor) {
		int i = cursor.next();
		return weather.locations().findByContinentAndCity(cursor.keys().continent(), cursor.keys().cities()[i]);
	}

	@Benchmark
	public Optional<PlainWeatherLocation> baselineFindByKey(PlainWeather plain, KeyCursor cursor) {
		int i = cursor.next();
		return plain.locations().findByContinentAndCity(cursor.keys().continent(), cursor.keys().cities()[i]);
	}

	@Benchmark
	public Optional<WeatherLocation> shardwiseFindById(ShardedWeather weather, KeyCursor cursor) {
		return weather.locations().findById(cursor.keys().ids()[cursor.next()]);
	}

	@Benchmark
	public Optional<PlainWeatherLocation> baselineFindById(PlainWeather plain, KeyCursor cursor) {
		return plain.locations().findById(cursor.keys().ids()[cursor.next()]);
	}

}
