package io.shardwise.benchmarks.plain;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The baseline's repository: the same methods as the Shardwise one.
 */
public interface PlainWeatherLocationRepository extends JpaRepository<PlainWeatherLocation, Long> {

	/**
	 * Point read by continent and city.
	 * @param continent the continent
	 * @param city the city
	 * @return the location, if stored
	 */
	Optional<PlainWeatherLocation> findByContinentAndCity(String continent, String city);

}
