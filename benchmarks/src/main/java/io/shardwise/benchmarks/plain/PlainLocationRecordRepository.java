package io.shardwise.benchmarks.plain;

import java.util.Optional;

import org.springframework.data.repository.Repository;

/**
 * The baseline's lookups: the same methods as the Shardwise side's repository.
 */
public interface PlainLocationRecordRepository extends Repository<PlainLocationRecord, Long> {

	/**
	 * By id.
	 * @param id the id
	 * @return the location, if stored
	 */
	Optional<PlainLocationRecord> findById(Long id);

	/**
	 * By city.
	 * @param city the city (unique)
	 * @return the location, if stored
	 */
	Optional<PlainLocationRecord> findByCity(String city);

	/**
	 * A count.
	 * @param city the city
	 * @return how many locations have it
	 */
	long countByCity(String city);

	/**
	 * An existence check.
	 * @param city the city
	 * @return whether any location has it
	 */
	boolean existsByCity(String city);

}
