package io.shardwise.jdbcdemo;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.ListPagingAndSortingRepository;
import org.springframework.data.repository.query.Param;

/**
 * A Spring Data JDBC repository, routed by Shardwise like a JPA one.
 */
public interface StationRepository
		extends ListCrudRepository<Station, Long>, ListPagingAndSortingRepository<Station, Long> {

	List<Station> findByContinent(@ShardKey String continent);

	List<Station> findByContinentIn(@ShardKey Collection<String> continents);

	List<Station> findByNameStartingWith(String prefix, Sort sort);

	Page<Station> findByNameStartingWith(String prefix, Pageable pageable);

	List<Station> findByNameStartingWith(String prefix, Limit limit, Sort sort);

	List<Station> findTop2ByNameStartingWithOrderByNameDesc(String prefix);

	/** Not supported by Spring Data JDBC: see the tests. */
	Window<Station> findFirst2ByNameStartingWithOrderByNameAsc(String prefix, ScrollPosition position);

	Stream<Station> streamByNameStartingWithOrderByNameAsc(String prefix);

	Optional<Station> findByName(String name);

	long countByNameStartingWith(String prefix);

	boolean existsByName(String name);

	@Modifying
	@Query("update stations set name = concat(name, '!') where name like :prefix")
	int shout(@Param("prefix") String prefix);

	@Query("select * from stations order by name")
	List<Station> findAllOrderedInQuery();

}
