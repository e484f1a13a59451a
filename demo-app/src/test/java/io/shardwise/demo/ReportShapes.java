package io.shardwise.demo;

import java.util.stream.Stream;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

/**
 * Unkeyed report queries sorted by a property of their LAZY location.
 */
interface ReportShapes extends Repository<Report, Long> {

	java.util.List<Report> findByTemperatureGreaterThan(double temperature, Sort sort);

	Page<Report> findPageByTemperatureGreaterThan(double temperature, Pageable pageable);

	Stream<Report> streamByTemperatureGreaterThan(double temperature, Sort sort);

	@Query(value = "select * from weather_reports", nativeQuery = true)
	java.util.List<Report> nativeAll(Sort sort);

}
