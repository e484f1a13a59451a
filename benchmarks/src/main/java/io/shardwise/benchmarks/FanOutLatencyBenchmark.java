package io.shardwise.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.shardwise.benchmarks.weather.ShardedWeather;
import io.shardwise.benchmarks.weather.WeatherData;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import io.shardwise.routing.Shard;
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

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Latency of a fan-out when every shard statement takes 2 ms: each shard database has an
 * H2 function {@code sleep_ms} ({@code Thread.sleep}), called once per statement by the
 * query, which also reads one location by primary key. The same
 * {@code ShardedJdbcTemplate} query runs on all four shards ({@code onAllShards()}) and on
 * one shard ({@code onShardsOf("Europe")}). Average time per call: the ratio is
 * fan-out time / single-shard time (sequential would be about 4).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class FanOutLatencyBenchmark {

	/** One statement per shard: sleeps 2 ms once (a scalar subquery), then reads one row. */
	static final String SQL = "select (select sleep_ms(2)) is null as slept, "
			+ "(select count(*) from weather_locations where id = ?) as found";

	@Benchmark
	public List<Long> shardwiseFourShards(Latency latency) {
		return latency.sharded.onAllShards().query(SQL, (rs, row) -> rs.getLong(2), latency.id);
	}

	@Benchmark
	public List<Long> shardwiseOneShard(Latency latency) {
		return latency.sharded.onShardsOf(List.of(WeatherData.FOCUS_CONTINENT))
			.query(SQL, (rs, row) -> rs.getLong(2), latency.id);
	}

	/**
	 * The loaded shards with {@code sleep_ms} on each.
	 */
	@State(Scope.Benchmark)
	public static class Latency {

		ShardedJdbcTemplate sharded;

		long id;

		@Setup(Level.Trial)
		public void start(ShardedWeather weather) {
			for (Shard shard : weather.shards().all()) {
				new JdbcTemplate(shard.dataSource())
					.execute("create alias if not exists sleep_ms for 'java.lang.Thread.sleep(long)'");
			}
			this.sharded = weather.context().getBean(ShardedJdbcTemplate.class);
			this.id = weather.focusKeys().ids()[0];
			List<Long> found = this.sharded.onAllShards().query(SQL, (rs, row) -> rs.getLong(2), this.id);
			if (found.size() != 4 || found.stream().mapToLong(Long::longValue).sum() != 1) {
				throw new IllegalStateException("Unexpected answer " + found);
			}
		}

	}

}
