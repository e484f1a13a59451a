package io.shardwise.benchmarks.weather;

import io.shardwise.annotation.ShardKey;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The keyed point read of the JDBC benchmark: a location's city by id, through
 * {@link JdbcTemplate}. As a bean of the Shardwise context it is advised by
 * {@code @ShardKey} and its template runs on the routing DataSource; created with
 * {@code new} on a shard's own pool it is the baseline, the same code without routing.
 */
public class CityQueries {

	private final JdbcTemplate jdbcTemplate;

	public CityQueries(JdbcTemplate jdbcTemplate) {
		this.jdbcTemplate = jdbcTemplate;
	}

	/**
	 * Return the city of a location.
	 * @param continent the location's continent, which selects its shard
	 * @param id the location's id
	 * @return its city
	 */
	public String cityOf(@ShardKey String continent, long id) {
		return this.jdbcTemplate.queryForObject("select city from weather_locations where id = ?", String.class, id);
	}

}
