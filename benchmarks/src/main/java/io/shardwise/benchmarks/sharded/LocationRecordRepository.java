package io.shardwise.benchmarks.sharded;

import java.util.Optional;

import org.springframework.data.repository.Repository;

/**
 * Small fan-outs: no method takes a shard key and the ids are not Shardwise ids, so
 * every call runs on all four shards and the answers are merged.
 */
public interface LocationRecordRepository extends Repository<LocationRecord, Long> {

	/**
	 * Scatter by id: every shard is asked, the first hit wins.
	 * @param id the id
	 * @return the location, if stored on any shard
	 */
	Optional<LocationRecord> findById(Long id);

	/**
	 * A single result: at most one shard may have a row.
	 * @param city the city (unique)
	 * @return the location, if stored on any shard
	 */
	Optional<LocationRecord> findByCity(String city);

	/**
	 * A count: the shards' counts are summed.
	 * @param city the city
	 * @return how many locations have it
	 */
	long countByCity(String city);

	/**
	 * An existence check: the shards' answers are OR-ed.
	 * @param city the city
	 * @return whether any location has it
	 */
	boolean existsByCity(String city);

}
