package io.shardwise.benchmarks.weather;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.shardwise.ShardTemplate;
import io.shardwise.benchmarks.sharded.ShardedWeatherApplication;
import io.shardwise.benchmarks.sharded.WeatherLocationRepository;
import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * JMH state of the Shardwise side: the weather application on four in-memory H2 shards
 * ({@code bench_<shard>}), migrated by Shardwise and loaded with the full workload
 * before measuring. Every benchmark that needs the loaded shards uses it, the fan-out
 * benchmarks included; baseline states build on it, so that both sides of a pair read
 * the very same database.
 */
@State(Scope.Benchmark)
public class ShardedWeather {

	/** Prefix of the shard database names. */
	public static final String DATABASE_PREFIX = "bench";

	private ConfigurableApplicationContext context;

	private Shards shards;

	private LocationKeys focusKeys;

	private CityQueries cityQueries;

	private CityQueries shardPoolCityQueries;

	private WeatherLocationRepository locations;

	/**
	 * Start the application and load the workload.
	 * @throws SQLException if checking the load fails
	 */
	@Setup(Level.Trial)
	public void start() throws SQLException {
		Map<String, Object> properties = new LinkedHashMap<>(WeatherData.commonProperties());
		properties.putAll(WeatherData.shardwiseProperties(DATABASE_PREFIX));
		long started = System.nanoTime();
		this.context = new SpringApplicationBuilder(ShardedWeatherApplication.class).properties(properties).run();
		long loading = System.nanoTime();
		this.shards = this.context.getBean(Shards.class);
		this.focusKeys = WeatherData.load(this.shards);
		checkLoaded();
		System.out.printf("Setup: application started in %d ms, %,d locations and %,d reports loaded in %d ms%n",
				(loading - started) / 1_000_000, WeatherData.LOCATIONS,
				WeatherData.LOCATIONS * WeatherData.REPORTS_PER_LOCATION, (System.nanoTime() - loading) / 1_000_000);
		this.cityQueries = this.context.getBean(CityQueries.class);
		this.shardPoolCityQueries = new CityQueries(new JdbcTemplate(focusShard().dataSource()));
		this.locations = this.context.getBean(WeatherLocationRepository.class);
	}

	private void checkLoaded() throws SQLException {
		int perShard = WeatherData.LOCATIONS / WeatherData.CONTINENTS.size();
		for (Shard shard : this.shards.all()) {
			try (Connection connection = shard.dataSource().getConnection()) {
				long locations = WeatherData.count(connection, "weather_locations");
				long reports = WeatherData.count(connection, "weather_reports");
				if (locations != perShard || reports != (long) perShard * WeatherData.REPORTS_PER_LOCATION) {
					throw new IllegalStateException("Shard " + shard.id() + " holds " + locations + " locations and "
							+ reports + " reports after loading");
				}
			}
		}
	}

	/**
	 * Close the application and its shard pools.
	 */
	@TearDown(Level.Trial)
	public void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public Shards shards() {
		return this.shards;
	}

	public ShardTemplate shardTemplate() {
		return this.context.getBean(ShardTemplate.class);
	}

	/**
	 * Return the shard of {@link WeatherData#FOCUS_CONTINENT}, which keyed benchmarks use.
	 * @return the focus shard
	 */
	public Shard focusShard() {
		return this.shards.get(WeatherData.shardOf(WeatherData.FOCUS_CONTINENT));
	}

	/**
	 * Return the stored ids and cities of the focus continent, shuffled.
	 * @return the keys
	 */
	public LocationKeys focusKeys() {
		return this.focusKeys;
	}

	/**
	 * Return the {@code @ShardKey}-advised queries on the routing DataSource.
	 * @return the routed queries
	 */
	public CityQueries cityQueries() {
		return this.cityQueries;
	}

	/**
	 * Return the same queries on the focus shard's own pool, without routing.
	 * @return the baseline queries
	 */
	public CityQueries shardPoolCityQueries() {
		return this.shardPoolCityQueries;
	}

	public WeatherLocationRepository locations() {
		return this.locations;
	}

}
