package io.shardwise.demo;

import java.time.LocalDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.shardwise.audit.ConsistencyReport;
import io.shardwise.audit.ShardConsistencyChecker;
import io.shardwise.audit.ShardedTable;
import io.shardwise.routing.Shards;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * JSON API over the weather data.
 */
@RestController
public class WeatherController {

	/** Text without control characters (Unicode category Cc). */
	private static final String PRINTABLE = "\\P{Cc}*";

	private static final String NOT_PRINTABLE = "must not contain control characters";

	private final WeatherLocationRepository locations;

	private final ReportRepository reports;

	/** How the demo's tables are sharded, for the consistency audit. */
	static final List<ShardedTable> TABLES = List.of(
			ShardedTable.keyedBy("weather_locations", "id", "continent").withShardwiseIds(),
			ShardedTable.childOf("weather_reports", "id", "location_id", "weather_locations").withShardwiseIds());

	private final Shards shards;

	private final ShardConsistencyChecker checker;

	WeatherController(WeatherLocationRepository locations, ReportRepository reports, Shards shards,
			ShardConsistencyChecker checker) {
		this.locations = locations;
		this.reports = reports;
		this.shards = shards;
		this.checker = checker;
	}

	@GetMapping("/locations")
	List<LocationView> locations(@RequestParam(name = "continent", required = false) List<String> continents) {
		List<WeatherLocation> found = (continents == null || continents.isEmpty()) ? this.locations.findAll()
				: this.locations.findByContinentInOrderByIdAsc(continents);
		return found.stream().map(LocationView::summary).toList();
	}

	@GetMapping("/locations/{id}")
	ResponseEntity<LocationView> location(@PathVariable long id) {
		return ResponseEntity.of(this.locations.findById(id).map(LocationView::withReports));
	}

	@PostMapping("/locations")
	@ResponseStatus(HttpStatus.CREATED)
	LocationView createLocation(@Valid @RequestBody NewLocation request) {
		return LocationView.summary(this.locations.save(new WeatherLocation(request.continent(), request.city())));
	}

	@PostMapping("/locations/{id}/reports")
	ResponseEntity<ReportView> createReport(@PathVariable long id, @Valid @RequestBody NewReport request) {
		return this.locations.findById(id)
			.map((location) -> this.reports.save(new Report(location, request.temperature())))
			.map((report) -> ResponseEntity.status(HttpStatus.CREATED).body(ReportView.of(report)))
			.orElseGet(() -> ResponseEntity.notFound().build());
	}

	/**
	 * Counts rows directly in each shard's own database, bypassing routing.
	 */
	@GetMapping("/shards")
	List<ShardView> shards() {
		return this.shards.all().stream().map((shard) -> {
			JdbcTemplate jdbc = new JdbcTemplate(shard.dataSource());
			return new ShardView(shard.id(), jdbc.queryForObject("select count(*) from weather_locations", Long.class),
					jdbc.queryForObject("select count(*) from weather_reports", Long.class));
		}).toList();
	}

	/**
	 * Audits every shard directly: rows on the wrong shard, ids stored twice, reports
	 * away from their location.
	 */
	@GetMapping("/shards/consistency")
	ConsistencyReport consistency() {
		return this.checker.check(TABLES);
	}

	/**
	 * A new location, checked against the schema: {@code continent varchar(30)} and
	 * {@code city varchar(50)}, both {@code not null}, neither with control characters
	 * (PostgreSQL refuses a NUL byte in text).
	 */
	record NewLocation(@NotBlank @Size(max = 30) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String continent,
			@NotBlank @Size(max = 50) @Pattern(regexp = PRINTABLE, message = NOT_PRINTABLE) String city) {
	}

	/**
	 * A new report; like {@code double precision}, the temperature may be {@code "NaN"} or
	 * {@code "Infinity"}.
	 */
	record NewReport(@NotNull Double temperature) {
	}

	record ReportView(long id, double temperature, LocalDateTime reportTime) {

		static ReportView of(Report report) {
			return new ReportView(report.getId(), report.getTemperature(), report.getReportTime());
		}

	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record LocationView(long id, String continent, String city, List<ReportView> reports) {

		static LocationView summary(WeatherLocation location) {
			return new LocationView(location.getId(), location.getContinent(), location.getCity(), null);
		}

		static LocationView withReports(WeatherLocation location) {
			return new LocationView(location.getId(), location.getContinent(), location.getCity(),
					location.getReports().stream().map(ReportView::of).toList());
		}

	}

	record ShardView(String id, long locations, long reports) {
	}


}
