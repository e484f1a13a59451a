package io.shardwise.benchmarks;

import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.shardwise.ShardTemplate;
import io.shardwise.benchmarks.weather.KeyCursor;
import io.shardwise.benchmarks.weather.ShardedWeather;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
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
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * Where the JDBC routing overhead goes: the keyed point read of
 * {@link JdbcRoutingBenchmark} with one layer of Shardwise added at a time. Not part of
 * the default suite; run it with {@code --include Breakdown}.
 * <ol>
 * <li>{@code shardPool}: template on the shard's own pool (the baseline);
 * <li>{@code shardContextOnShardPool}: plus {@code ShardContext.callOn};
 * <li>{@code shardContextOnRoutingDataSource}: template on {@code ShardRoutingDataSource};
 * <li>{@code shardContextOnLazyRoutingDataSource}: on the application's DataSource, the
 * routing DataSource behind a {@code LazyConnectionDataSourceProxy};
 * <li>{@code shardTemplate}: {@code ShardTemplate.onShardOf} around the same call;
 * <li>{@code shardKeyBean}: the {@code @ShardKey} bean method (Shardwise side of
 * {@link JdbcRoutingBenchmark}).
 * </ol>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class JdbcRoutingBreakdownBenchmark {

	private static final String SQL = "select city from weather_locations where id = ?";

	@Benchmark
	public String shardPool(Templates templates, KeyCursor cursor) {
		return templates.shardPool.queryForObject(SQL, String.class, cursor.keys().ids()[cursor.next()]);
	}

	@Benchmark
	public String shardContextOnShardPool(Templates templates, KeyCursor cursor) throws Throwable {
		long id = cursor.keys().ids()[cursor.next()];
		return ShardContext.callOn(templates.shard, () -> templates.shardPool.queryForObject(SQL, String.class, id));
	}

	@Benchmark
	public String shardContextOnRoutingDataSource(Templates templates, KeyCursor cursor) throws Throwable {
		long id = cursor.keys().ids()[cursor.next()];
		return ShardContext.callOn(templates.shard, () -> templates.routing.queryForObject(SQL, String.class, id));
	}

	@Benchmark
	public String shardContextOnLazyRoutingDataSource(Templates templates, KeyCursor cursor) throws Throwable {
		long id = cursor.keys().ids()[cursor.next()];
		return ShardContext.callOn(templates.shard,
				() -> templates.lazyRouting.queryForObject(SQL, String.class, id));
	}

	@Benchmark
	public String shardTemplate(Templates templates, KeyCursor cursor) {
		long id = cursor.keys().ids()[cursor.next()];
		return templates.shardwiseTemplate.onShardOf(cursor.keys().continent(),
				(shard) -> templates.lazyRouting.queryForObject(SQL, String.class, id));
	}

	@Benchmark
	public String shardKeyBean(ShardedWeather weather, KeyCursor cursor) {
		int i = cursor.next();
		return weather.cityQueries().cityOf(cursor.keys().continent(), cursor.keys().ids()[i]);
	}

	/**
	 * A template on each layer of the routing DataSource.
	 */
	@State(Scope.Benchmark)
	public static class Templates {

		Shard shard;

		JdbcTemplate shardPool;

		JdbcTemplate routing;

		JdbcTemplate lazyRouting;

		ShardTemplate shardwiseTemplate;

		@Setup(Level.Trial)
		public void start(ShardedWeather weather) {
			this.shard = weather.focusShard();
			this.shardPool = new JdbcTemplate(this.shard.dataSource());
			DataSource dataSource = weather.context().getBean(DataSource.class);
			this.lazyRouting = new JdbcTemplate(dataSource);
			this.routing = new JdbcTemplate(((LazyConnectionDataSourceProxy) dataSource).getTargetDataSource());
			this.shardwiseTemplate = weather.shardTemplate();
		}

	}

}
