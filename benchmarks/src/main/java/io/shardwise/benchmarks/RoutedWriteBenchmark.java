package io.shardwise.benchmarks;

import java.util.concurrent.TimeUnit;

import io.shardwise.benchmarks.plain.PlainWeatherLocation;
import io.shardwise.benchmarks.sharded.WeatherLocation;
import io.shardwise.benchmarks.weather.PlainWeather;
import io.shardwise.benchmarks.weather.ShardedWeather;
import io.shardwise.benchmarks.weather.WeatherData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routed write: one new location with four reports, saved by {@code save(location)} in
 * one transaction (the reports by cascade). The Shardwise side routes by the entity's
 * {@code @ShardKey} and draws ids with {@code @ShardwiseId}; the baseline saves the same
 * mapping in a single-DataSource application, its ids drawn by the same
 * {@code ShardIds} algorithm ({@code @PlainId}) so that only routing differs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class RoutedWriteBenchmark {

	private static final int REPORTS = 4;

	@Benchmark
	public WeatherLocation shardwise(ShardedWeather weather, CityNames names) {
		WeatherLocation location = new WeatherLocation(WeatherData.FOCUS_CONTINENT, names.next());
		for (int r = 0; r < REPORTS; r++) {
			location.addReport(20.0 + r);
		}
		return weather.locations().save(location);
	}

	@Benchmark
	public PlainWeatherLocation baseline(PlainWeather plain, CityNames names) {
		PlainWeatherLocation location = new PlainWeatherLocation(WeatherData.FOCUS_CONTINENT, names.next());
		for (int r = 0; r < REPORTS; r++) {
			location.addReport(20.0 + r);
		}
		return plain.locations().save(location);
	}

	/**
	 * Names of the cities written by one thread, distinct from the loaded ones.
	 */
	@State(Scope.Thread)
	public static class CityNames {

		private long written;

		String next() {
			return "written-" + this.written++;
		}

	}

}
