package io.shardwise.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.shardwise.benchmarks.plain.PlainWeatherApplication;
import io.shardwise.benchmarks.sharded.ShardedWeatherApplication;
import io.shardwise.benchmarks.weather.PlainWeather;
import io.shardwise.benchmarks.weather.WeatherData;
import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Startup: the time to start the weather application context, single shot.
 * <ul>
 * <li>{@code shardwiseFourShards}: four fresh H2 databases, four pools, four Flyway
 * migrations by Shardwise, the routing DataSource and JPA.
 * <li>{@code baselineOneDatabase}: the same entities on one fresh H2 database, migrated by
 * Spring Boot's own Flyway.
 * </ul>
 * The warmup starts make these warm-JVM numbers (classes loaded and compiled), which
 * isolates the work done per start; every start uses new databases, so the migrations
 * really run. The context is closed and its databases dropped after each start,
 * outside the measured time.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = { "-Xms2g", "-Xmx2g" })
@Warmup(iterations = 3)
@Measurement(iterations = 6)
@State(Scope.Thread)
public class StartupBenchmark {

	private int starts;

	private ConfigurableApplicationContext started;

	@Benchmark
	public ConfigurableApplicationContext shardwiseFourShards() {
		Map<String, Object> properties = new LinkedHashMap<>(WeatherData.commonProperties());
		properties.putAll(WeatherData.shardwiseProperties("startup" + (this.starts++)));
		this.started = new SpringApplicationBuilder(ShardedWeatherApplication.class).properties(properties).run();
		return this.started;
	}

	@Benchmark
	public ConfigurableApplicationContext baselineOneDatabase() {
		Map<String, Object> properties = PlainWeather.singleDatabaseProperties("startup" + (this.starts++), true);
		this.started = new SpringApplicationBuilder(PlainWeatherApplication.class).properties(properties).run();
		return this.started;
	}

	/**
	 * Drop the databases of the last start and close its context.
	 */
	@TearDown(Level.Iteration)
	public void closeStarted() {
		if (this.started == null) {
			return;
		}
		Shards shards = this.started.getBeanProvider(Shards.class).getIfAvailable();
		if (shards != null) {
			for (Shard shard : shards.all()) {
				new JdbcTemplate(shard.dataSource()).execute("shutdown");
			}
		}
		else {
			new JdbcTemplate(this.started.getBean(DataSource.class)).execute("shutdown");
		}
		this.started.close();
		this.started = null;
	}

}
