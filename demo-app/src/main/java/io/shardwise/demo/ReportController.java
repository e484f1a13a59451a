package io.shardwise.demo;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import io.shardwise.jdbc.Aggregation;
import io.shardwise.jdbc.ShardedJdbcTemplate;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PageableDefault;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reports across all shards: a sorted, paged fan-out and per-continent statistics.
 */
@RestController
public class ReportController {

	private final ReportRepository reports;

	private final ShardedJdbcTemplate shardedJdbc;

	ReportController(ReportRepository reports, ShardedJdbcTemplate shardedJdbc) {
		this.reports = reports;
		this.shardedJdbc = shardedJdbc;
	}

	/**
	 * For example {@code GET /reports?sort=temperature,desc&page=0&size=10}.
	 */
	@GetMapping("/reports")
	ReportPage reports(@PageableDefault(size = 20, sort = "id") Pageable pageable) {
		Page<Report> page = this.reports.findAll(pageable);
		return new ReportPage(page.getContent().stream().map(ReportRow::of).toList(), page.getNumber(), page.getSize(),
				page.getTotalElements(), page.getTotalPages());
	}

	/**
	 * Per continent: number of reports, average, minimum and maximum temperature, each
	 * computed correctly across shards (the average from sums and counts).
	 */
	@GetMapping("/reports/stats")
	List<Map<String, Object>> stats() {
		return this.shardedJdbc.onAllShards()
			.aggregate("select l.continent as continent, count(*) as reports, sum(r.temperature) as temperature_sum, "
					+ "count(r.temperature) as temperature_count, min(r.temperature) as coldest, "
					+ "max(r.temperature) as hottest from weather_reports r join weather_locations l "
					+ "on l.id = r.location_id group by l.continent",
					Aggregation.groupBy("continent")
						.count("reports")
						.min("coldest")
						.max("hottest")
						.avg("average", "temperature_sum", "temperature_count"));
	}

	record ReportRow(long id, String city, String continent, double temperature, LocalDateTime reportTime) {

		static ReportRow of(Report report) {
			return new ReportRow(report.getId(), report.getLocation().getCity(), report.getLocation().getContinent(),
					report.getTemperature(), report.getReportTime());
		}

	}

	record ReportPage(List<ReportRow> content, int page, int size, long totalElements, int totalPages) {
	}


}
