package io.shardwise.demo;

import java.util.List;
import java.util.stream.Stream;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;
import org.springframework.data.repository.query.QueryByExampleExecutor;

/**
 * Unkeyed measurement queries of the shapes whose merge needs more than the entity: fluent
 * queries, projections and DTOs, native queries sorted by columns.
 */
interface MeasurementShapes extends Repository<Measurement, Long>, JpaSpecificationExecutor<Measurement>,
		QueryByExampleExecutor<Measurement> {

	List<CityView> findBySeqGreaterThanEqual(int minSeq, Sort sort);

	List<CityOnly> findCityBySeqGreaterThanEqual(int minSeq, Sort sort);

	Page<CityView> findPageBySeqGreaterThanEqual(int minSeq, Pageable pageable);

	List<CityView> findTop5BySeqGreaterThanEqualOrderByReadingDesc(int minSeq);

	List<CityReading> findDtoBySeqGreaterThanEqual(int minSeq, Sort sort);

	Stream<CityView> streamBySeqGreaterThanEqual(int minSeq, Sort sort);

	<T> List<T> findDynamicBySeqGreaterThanEqual(int minSeq, Sort sort, Class<T> type);

	@Query(value = "select * from measurements where seq >= :minSeq",
			countQuery = "select count(*) from measurements where seq >= :minSeq", nativeQuery = true)
	Page<Measurement> nativePage(@Param("minSeq") int minSeq, Pageable pageable);

	@Query("select distinct m.city from Measurement m where m.seq >= :minSeq")
	List<String> distinctCities(@Param("minSeq") int minSeq);

	@Query("select m.city from Measurement m where m.seq >= :minSeq group by m.city")
	List<String> groupedCities(@Param("minSeq") int minSeq);

	List<CityOnly> findDistinctCityBySeqGreaterThanEqual(int minSeq);

	List<Measurement> findDistinctBySeqGreaterThanEqual(int minSeq);

	long countDistinctBySeqGreaterThanEqual(int minSeq);

	@Query("select m from Measurement m where m.seq >= :minSeq")
	List<Measurement> queried(@Param("minSeq") int minSeq, Sort sort);

	List<Measurement> findAllBySeqGreaterThanEqual(int minSeq, Sort sort);

	@Query(value = "select * from measurements where seq >= :minSeq", nativeQuery = true)
	List<Measurement> nativeQueried(@Param("minSeq") int minSeq, Sort sort);

	@Query(value = "select * from measurements where seq >= :minSeq", nativeQuery = true)
	List<Measurement> nativeList(@Param("minSeq") int minSeq, Sort sort);

	@Query("select m.id as id, m.city as city, m.reading as value from Measurement m where m.seq >= :minSeq")
	List<AliasView> aliased(@Param("minSeq") int minSeq, Sort sort);

	/** An interface projection with the id. */
	interface CityView {

		Long getId();

		String getCity();

	}

	/** An interface projection without the id. */
	interface CityOnly {

		String getCity();

	}

	/** A JPQL projection of aliases. */
	interface AliasView {

		Long getId();

		String getCity();

		Double getValue();

	}

	/** A DTO without the id. */
	record CityReading(String city, Double reading) {
	}

}
