package io.shardwise.demo;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;

public interface WeatherLocationRepository extends JpaRepository<WeatherLocation, Long> {

	/** Runs on the continent's shard only. */
	List<WeatherLocation> findByContinentOrderByIdAsc(@ShardKey String continent);

	/** Runs on the shards of the given continents only (the seed's query_chooser with in_). */
	List<WeatherLocation> findByContinentInOrderByIdAsc(@ShardKey Collection<String> continents);

	/** Routed by the id alone: a Shardwise id names its shard. */
	@Override
	@EntityGraph(attributePaths = "reports")
	Optional<WeatherLocation> findById(Long id);

	long countByContinent(@ShardKey String continent);

}
