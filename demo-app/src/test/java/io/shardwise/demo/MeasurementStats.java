package io.shardwise.demo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;

/**
 * Grouped and aggregate JPQL queries without a shard key (except where a parameter says
 * so), for the tests of their merge across shards. Each query's single-database truth is
 * the SQL of the same name in {@link GroupedQueryTests}.
 */
interface MeasurementStats extends Repository<Measurement, Long> {

	/** Every aggregate the merge supports, over nullable double, int and numeric columns and text. */
	String AGGREGATES = "count(m), count(m.reading), sum(m.reading), min(m.reading), max(m.reading), "
			+ "avg(m.reading), sum(m.seq), avg(m.seq), sum(m.amount), min(m.amount), max(m.amount), avg(m.amount), "
			+ "min(m.city), max(m.label)";

	/** Grouped by the shard key: every group lives on one shard. */
	@Query("select m.region, " + AGGREGATES + " from Measurement m group by m.region")
	List<Object[]> byRegion();

	/** Groups on several shards, and groups of one shard only. */
	@Query("select m.city, " + AGGREGATES + " from Measurement m group by m.city")
	List<Object[]> byCity();

	/** A NULL group, and a group whose readings are all NULL. */
	@Query("select m.label, " + AGGREGATES + " from Measurement m group by m.label")
	List<Object[]> byLabel();

	/** Two group-by items, selected in another order and with aliases. */
	@Query("select m.city as city, m.label as label, " + AGGREGATES
			+ " from Measurement m where m.seq >= :minSeq group by m.label, m.city")
	List<Object[]> byLabelAndCity(int minSeq);

	@Query("select " + AGGREGATES + " from Measurement m where m.seq >= ?1")
	Object[] totals(int minSeq);

	@Query("select count(m), max(m.reading), avg(m.reading) from Measurement m where m.city = :city")
	Optional<Object[]> cityTotals(@Param("city") String city);

	@Query("select max(m.reading) from Measurement m")
	Double hottest();

	@Query("select max(m.reading) from Measurement m")
	Object[] hottestAsArray();

	@Query("select max(m.reading) from Measurement m")
	Object hottestAsObject();

	@Query("select count(m), max(m.reading) from Measurement m")
	Object totalsAsObject();

	@Query("select m.city, count(m) from Measurement m where m.city = :city group by m.city")
	Object[] cityGroup(String city);

	@Query("select m.city from Measurement m where m.city = :city group by m.city")
	List<Object[]> cityKeys(String city);

	@Query("select avg(m.reading) from #{#entityName} m where m.city = :city")
	Optional<Double> meanReading(String city);

	@Query("select count(m) from Measurement m where m.label is null")
	long unlabelled();

	@Query("select sum(m.seq) from Measurement m where m.label is null")
	Long seqSumUnlabelled();

	@Query("select avg(m.reading) from Measurement m group by m.city")
	List<Double> meansWithoutCity();

	@Query("select m.city, avg(m.reading) from Measurement m where m.region in :regions group by m.city")
	List<Object[]> meanByCityIn(@ShardKey List<String> regions);

	@Query("select m.label, count(m) as n, avg(m.reading) as mean from Measurement m group by m.label "
			+ "order by n desc, mean desc nulls last")
	List<Object[]> labelsByCount();

	@Query("select m.label, max(m.reading) from Measurement m group by m.label order by max(m.reading)")
	List<Object[]> labelsByHottest();

	/** Rows as interface projections, whose properties are the select aliases. */
	@Query("select m.city as city, count(m) as total, avg(m.reading) as mean, max(m.amount) as largest "
			+ "from Measurement m group by m.city")
	List<CityStats> cityStats();

	@Query("select m.city, count(m) from Measurement m group by m.city having count(m) > 1")
	List<Object[]> citiesWithSeveral();

	@Query("select count(distinct m.city) from Measurement m")
	long distinctCities();

	@Query("select max(m.reading) from Measurement m group by m.city, m.label")
	List<Object[]> hottestByUnselectedGroups();

	@Query("select sum(m.seq) * 2 from Measurement m")
	Long doubledSeqSum();

	@Query(value = "select city, count(*) from measurements group by city", nativeQuery = true)
	List<Object[]> nativeByCity();

	@Query("select new map(m.city as city, count(m) as n) from Measurement m group by m.city")
	List<Map<String, Object>> cityCounts();

	/** A projection of grouped rows. */
	interface CityStats {

		String getCity();

		long getTotal();

		Double getMean();

		java.math.BigDecimal getLargest();

	}

}
