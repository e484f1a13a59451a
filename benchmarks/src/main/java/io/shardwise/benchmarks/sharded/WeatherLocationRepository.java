package io.shardwise.benchmarks.sharded;

import java.util.Optional;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Locations on their continent's shard; {@code findById} and {@code save} need no key.
 */
public interface WeatherLocationRepository extends JpaRepository<WeatherLocation, Long> {

	/**
	 * Keyed point read: runs on the continent's shard only.
	 * @param continent the continent (shard key)
	 * @param city the city
	 * @return the location, if stored
	 */
	Optional<WeatherLocation> findByContinentAndCity(@ShardKey String continent, String city);

}
