package io.shardwise.demo;

import java.util.List;

import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

/**
 * The README's grouped report queries, over the demo's own tables: grouped by the
 * location's continent (the shard key) and by its city (not the shard key).
 */
interface ReportStats extends Repository<Report, Long> {

	@Query("select r.location.continent, count(r), avg(r.temperature) from Report r group by r.location.continent")
	List<Object[]> statsByContinent();

	@Query("select r.location.city, count(r), avg(r.temperature), min(r.temperature) from Report r "
			+ "group by r.location.city")
	List<Object[]> statsByCity();

}
