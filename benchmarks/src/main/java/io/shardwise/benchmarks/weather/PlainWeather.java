package io.shardwise.benchmarks.weather;

import java.util.LinkedHashMap;
import java.util.Map;

import io.shardwise.benchmarks.plain.PlainWeatherApplication;
import io.shardwise.benchmarks.plain.PlainWeatherLocationRepository;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * JMH state of the JPA baseline: an ordinary Spring Boot application without Shardwise
 * ({@code shardwise.enabled=false}) whose single {@code spring.datasource} is the focus
 * shard's own database, loaded by {@link ShardedWeather}. Both sides of a pair therefore
 * query the same H2 database holding the same rows, each through a HikariCP pool of its
 * own with the same size.
 */
@State(Scope.Benchmark)
public class PlainWeather {

	private ConfigurableApplicationContext context;

	private PlainWeatherLocationRepository locations;

	/**
	 * Start the baseline application on the loaded focus shard's database.
	 * @param sharded the loaded shards
	 */
	@Setup(Level.Trial)
	public void start(ShardedWeather sharded) {
		String database = ShardedWeather.DATABASE_PREFIX + "_" + sharded.focusShard().id();
		this.context = new SpringApplicationBuilder(PlainWeatherApplication.class)
			.properties(singleDatabaseProperties(database, false))
			.run();
		this.locations = this.context.getBean(PlainWeatherLocationRepository.class);
	}

	/**
	 * Return the properties of a baseline application on one in-memory H2 database.
	 * @param database the database name
	 * @param migrate whether Spring Boot's Flyway migrates it at startup
	 * @return the properties
	 */
	public static Map<String, Object> singleDatabaseProperties(String database, boolean migrate) {
		Map<String, Object> properties = new LinkedHashMap<>(WeatherData.commonProperties());
		properties.put("shardwise.enabled", "false");
		properties.put("spring.datasource.url", WeatherData.url(database));
		properties.put("spring.datasource.username", "sa");
		properties.put("spring.flyway.enabled", String.valueOf(migrate));
		properties.put("spring.jpa.hibernate.ddl-auto", "none");
		return properties;
	}

	/**
	 * Close the baseline application and its pool (not the database, which the Shardwise
	 * side owns).
	 */
	@TearDown(Level.Trial)
	public void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	public PlainWeatherLocationRepository locations() {
		return this.locations;
	}

}
