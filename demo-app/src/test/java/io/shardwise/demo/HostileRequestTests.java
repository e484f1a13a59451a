package io.shardwise.demo;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.shardwise.fanout.ShardFanOutException;
import io.shardwise.routing.ShardRoutingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.core.PropertyReferenceException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The hostile HTTP requests of the black-box probes (issue 13) and the calls behind them:
 * bad bodies get a 400 problem detail that names no internal class and quotes little of
 * the input; a page beyond the data is empty; a bad sort fails once, before any shard
 * runs, as the caller's error; a sort by an association sorts by its id, as on one
 * database.
 */
abstract class HostileRequestTests {

	@Autowired
	ShardDatabases databases;

	@Autowired
	ReportRepository reports;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeEach
	void resetCounts() throws Exception {
		this.databases.resetStatementCounts();
	}

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void invalidLocationBodiesAreProblemDetails() throws Exception {
		String tooLong = "T-" + "x".repeat(49);
		assertProblem(postLocation("{\"continent\": \"Europe\", \"city\": \"" + tooLong + "\"}"), "city",
				"size must be between");
		assertProblem(postLocation("{\"continent\": \"Europe\", \"city\": null}"), "city", "must not be blank");
		assertProblem(postLocation("{\"continent\": \"Europe\"}"), "city", "must not be blank");
		assertProblem(postLocation("{\"continent\": \"Europe\", \"city\": \"T-\\u0000Nul\"}"), "city",
				"control characters");
		assertProblem(postLocation("{\"continent\": \"Europe\", \"city\": \"T-\\nNewline\"}"), "city",
				"control characters");
		assertProblem(postLocation("{\"continent\": \"Europe\", \"city\": \"   \"}"), "city", "must not be blank");
		// A missing continent no longer reaches routing, whose message names the entity.
		assertProblem(postLocation("{\"city\": \"T-Nowhere\"}"), "continent", "must not be blank");
		assertProblem(postLocation("{\"continent\": \"" + "A".repeat(10_000) + "\", \"city\": \"T-Huge\"}"),
				"continent", "size must be between");
		assertProblem(postLocation("{\"continent\": \"Atlantis\", \"city\": \"T-Sunk\"}"), "Unknown continent",
				"'Atlantis'");
		assertProblem(postLocation("{\"continent\": \"Europe\", \"city\": "), "Failed to read request", "");
		assertProblem(postLocation("[1, 2]"), "Failed to read request", "");
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.cities(shard)).noneMatch((city) -> city.startsWith("T-"));
		}
		// A valid body still works, 50 characters included.
		assertThat(postLocation("{\"continent\": \"Europe\", \"city\": \"T-" + "x".repeat(48) + "\"}").statusCode())
			.isEqualTo(201);
	}

	@Test
	void invalidReportBodiesAreProblemDetails() throws Exception {
		long id = this.locations.findByContinentOrderByIdAsc("Asia").get(0).getId();
		assertProblem(post("/locations/" + id + "/reports", "{}"), "temperature", "must not be null");
		assertProblem(post("/locations/" + id + "/reports", "{\"temperature\": \"hot\"}"), "Failed to read request",
				"");
		assertProblem(get("/locations/" + "9".repeat(5_000)), "Invalid id", "characters)");
	}

	@Test
	void unknownContinentIsQuotedOnlyUpToABound() throws Exception {
		// As long as Tomcat's default limit on the request line lets through.
		String huge = "Atlantis-" + "y".repeat(6_000);
		HttpResponse<String> response = get("/locations?continent=" + URLEncoder.encode(huge, StandardCharsets.UTF_8));
		assertProblem(response, "Unknown continent", "(6009 characters)");
		assertThat(response.body()).doesNotContain("y".repeat(ApiErrors.QUOTE_LIMIT));
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	@Test
	void pageBeyondTheDataIsEmpty() throws Exception {
		long total = this.reports.count();
		HttpResponse<String> response = get("/reports?page=1073741&size=2000");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"content\":[]", "\"totalElements\":" + total, "\"page\":1073741");
		Page<Report> page = this.reports.findAll(PageRequest.of(1073741, 2000, Sort.by("id")));
		assertThat(page.getContent()).isEmpty();
		assertThat(page.getTotalElements()).isEqualTo(total);
		// An offset beyond what one JPA query can skip is refused as Spring Data JPA
		// refuses it on one database, before any shard runs.
		this.databases.resetStatementCounts();
		assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
			.isThrownBy(() -> this.reports.findAll(PageRequest.of(Integer.MAX_VALUE, 2000)))
			.withMessageContaining("exceeds Integer.MAX_VALUE");
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
		assertProblem(get("/reports?page=" + Integer.MAX_VALUE + "&size=2000"), "cannot be served", "");
	}

	@Test
	void unknownSortPropertyFailsOnceBeforeAnyShardRuns() throws Exception {
		double shardErrors = shardErrors();
		assertThatExceptionOfType(PropertyReferenceException.class)
			.isThrownBy(() -> this.reports.findAll(PageRequest.of(0, 10, Sort.by("nosuchfield"))))
			.isNotInstanceOf(ShardFanOutException.class)
			.satisfies((ex) -> assertThat(ex.getPropertyName()).isEqualTo("nosuchfield"));
		assertThatExceptionOfType(PropertyReferenceException.class)
			.isThrownBy(() -> this.locations.findAll(Sort.by("reports.nosuchfield")));
		assertProblem(get("/reports?sort=nosuchfield"), "Unknown sort property", "'nosuchfield'");
		assertProblem(get("/reports?sort=location.nosuchfield,desc"), "Unknown sort property", "'nosuchfield'");
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
		assertThat(shardErrors()).as("shard errors in shardwise.calls").isEqualTo(shardErrors);
	}

	private double shardErrors() {
		return this.meters.find("shardwise.calls").tag("outcome", "error").timers().stream()
			.mapToDouble(io.micrometer.core.instrument.Timer::count)
			.sum();
	}

	@Test
	void badArgumentsFailOnceAsTheCallersError() {
		// What one database throws, once, not a ShardFanOutException blaming the shards.
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> this.reports.findAll((PageRequest) null));
		Throwable nullSort = catchThrowable(() -> this.locations.findAll((Sort) null));
		assertThat(nullSort).isNotNull().isNotInstanceOf(ShardFanOutException.class);
		System.out.println("findAll((Sort) null) across shards: " + nullSort);
	}

	@Test
	void sortByAnAssociationSortsByItsId() throws Exception {
		List<long[]> truth = new ArrayList<>();
		for (String shard : ShardDatabases.SHARDS) {
			try (Connection connection = this.databases.connect(shard); Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("select location_id, id from weather_reports")) {
				while (rows.next()) {
					truth.add(new long[] { rows.getLong(1), rows.getLong(2) });
				}
			}
		}
		truth.sort(Comparator.comparingLong((long[] row) -> row[0]).thenComparingLong((row) -> row[1]));
		int size = Math.min(7, truth.size());
		Page<Report> page = this.reports.findAll(PageRequest.of(1, size, Sort.by("location")));
		assertThat(page.getContent()).extracting((report) -> report.getLocation().getId())
			.containsExactlyElementsOf(truth.subList(size, Math.min(2 * size, truth.size()))
				.stream()
				.map((row) -> row[0])
				.toList());
		assertThat(page.getContent()).extracting(Report::getId)
			.containsExactlyElementsOf(truth.subList(size, Math.min(2 * size, truth.size()))
				.stream()
				.map((row) -> row[1])
				.toList());
		// Without the entity graph of findAll(Pageable), each location is a lazy proxy of a
		// closed session: the merge reads its id without loading it.
		assertThat(this.reports.findAll(Sort.by("location"))).extracting(Report::getId)
			.containsExactlyElementsOf(truth.stream().map((row) -> row[1]).toList());
		// Descending by location, then ascending by id, the tiebreaker Shardwise adds.
		long lastLocation = truth.get(truth.size() - 1)[0];
		long first = truth.stream().filter((row) -> row[0] == lastLocation).findFirst().get()[1];
		HttpResponse<String> response = get("/reports?sort=location,desc&size=3");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).startsWith("{\"content\":[{\"id\":" + first + ",");
	}

	@Test
	void sortByACollectionIsRefusedBeforeAnyShardRuns() throws Exception {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.locations.findAll(Sort.by("reports")))
			.withMessageContaining("'reports', a collection");
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	private void assertProblem(HttpResponse<String> response, String detail, String quoted) throws SQLException {
		String body = response.body();
		assertThat(response.statusCode()).as(body).isEqualTo(400);
		assertThat(response.headers().firstValue("content-type")).get().asString().contains("application/problem+json");
		assertThat(body).as(body).contains("\"status\":400", detail, quoted)
			.doesNotContain("io.shardwise", "Exception", "WeatherLocation", "ShardKey", "Repository", "java.");
		assertThat(body.length()).as(body).isLessThan(400);
	}

	private HttpResponse<String> postLocation(String json) throws Exception {
		return post("/locations", json);
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("content-type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
