package io.shardwise.demo;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Unkeyed queries of every result kind, to test how fan-out results merge.
 */
interface LocationQueries extends Repository<WeatherLocation, Long> {

	Optional<WeatherLocation> findByCity(String city);

	WeatherLocation getByCity(String city);

	boolean existsByCity(String city);

	long countByCityStartingWith(String prefix);

	Set<WeatherLocation> findByCityStartingWith(String prefix);

	List<WeatherLocation> findByCityStartingWith(String prefix, Pageable pageable);

	@Transactional
	long deleteByCityStartingWith(String prefix);

	Page<WeatherLocation> findByContinentNot(String continent, Pageable pageable);

	@Query("select max(l.id) from WeatherLocation l")
	Long maxId();

	@Query("select l.city, count(l) from WeatherLocation l group by l.city having count(l) > 1")
	List<Object[]> citiesOnSeveralRows();

	@Query("select l from WeatherLocation l order by l.city")
	List<WeatherLocation> findAllOrderedInQuery();

	Stream<WeatherLocation> streamByCityStartingWith(String prefix);

	Stream<WeatherLocation> streamByCityStartingWithOrderByCityDesc(String prefix);

}
