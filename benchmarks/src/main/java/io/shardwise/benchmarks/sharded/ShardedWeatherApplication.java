package io.shardwise.benchmarks.sharded;

import io.shardwise.benchmarks.weather.CityQueries;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Shardwise side of every benchmark pair: the weather entities and repository on four
 * shards, and {@link CityQueries} on the routing DataSource.
 */
@SpringBootApplication
public class ShardedWeatherApplication {

	@Bean
	public CityQueries cityQueries(JdbcTemplate jdbcTemplate) {
		return new CityQueries(jdbcTemplate);
	}

}
