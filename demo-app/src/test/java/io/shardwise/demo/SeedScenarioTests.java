package io.shardwise.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assertions of the SQLAlchemy sharding example, through the repositories and
 * through the demo's HTTP API.
 */
abstract class SeedScenarioTests {

	@Autowired
	ShardDatabases databases;

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	WeatherLocationRepository locations;

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void seedAssertionsHoldThroughRepositories() {
		long tokyoId = this.locations.findByContinentOrderByIdAsc("Asia").get(0).getId();

		// t = sess.query(WeatherLocation).get(tokyo.id)
		WeatherLocation tokyo = this.locations.findById(tokyoId).orElseThrow();
		assertThat(tokyo.getCity()).isEqualTo("Tokyo");
		assertThat(tokyo.getReports().get(0).getTemperature()).isEqualTo(80.0);

		// north_american_cities == ['New York', 'Toronto']
		assertThat(this.locations.findByContinentOrderByIdAsc("North America")).extracting(WeatherLocation::getCity)
			.containsExactly("New York", "Toronto");

		// set(asia_and_europe) == {'Tokyo', 'London', 'Dublin'}
		assertThat(this.locations.findByContinentInOrderByIdAsc(List.of("Europe", "Asia")))
			.extracting(WeatherLocation::getCity)
			.containsExactlyInAnyOrder("Tokyo", "London", "Dublin");
	}

	@Test
	void seedAssertionsHoldThroughHttpApi() throws Exception {
		List<Map<String, Object>> asia = getList("/locations?continent=Asia");
		assertThat(asia).extracting((location) -> location.get("city")).containsExactly("Tokyo");

		Map<String, Object> tokyo = getMap("/locations/" + asia.get(0).get("id"));
		assertThat(tokyo.get("city")).isEqualTo("Tokyo");
		assertThat((List<Map<String, Object>>) tokyo.get("reports")).first()
			.satisfies((report) -> assertThat(((Number) report.get("temperature")).doubleValue()).isEqualTo(80.0));

		assertThat(getList("/locations?continent=North America")).extracting((location) -> location.get("city"))
			.containsExactly("New York", "Toronto");
		assertThat(getList("/locations?continent=Asia&continent=Europe")).extracting((location) -> location.get("city"))
			.containsExactlyInAnyOrder("Tokyo", "London", "Dublin");
		assertThat(getList("/locations")).extracting((location) -> location.get("city"))
			.contains("Tokyo", "New York", "Toronto", "London", "Dublin", "Brasila", "Quito");
	}

	@Test
	void lazyReportsLoadAfterAFanOutInsideATransaction() throws Exception {
		Map<String, Object> counts = getMap("/locations/report-counts");
		assertThat(counts).containsEntry("Asia/Tokyo", 1)
			.containsEntry("North America/New York", 1)
			.containsEntry("North America/Toronto", 0)
			.containsEntry("Europe/London", 0)
			.containsEntry("Europe/Dublin", 0)
			.containsEntry("South America/Brasila", 0)
			.containsEntry("South America/Quito", 1);
	}

	@Test
	void shardsEndpointCountsEachShardsOwnRows() throws Exception {
		List<Map<String, Object>> shards = getList("/shards");
		assertThat(shards).extracting((shard) -> shard.get("id")).containsExactlyElementsOf(ShardDatabases.SHARDS);
		for (Map<String, Object> shard : shards) {
			String id = (String) shard.get("id");
			assertThat(((Number) shard.get("locations")).intValue()).as(id)
				.isEqualTo(this.databases.locations(id).size());
			assertThat(((Number) shard.get("reports")).intValue()).as(id).isEqualTo(this.databases.reports(id).size());
		}
		Map<String, Integer> seedLocations = Map.of("north_america", 2, "asia", 1, "europe", 2, "south_america", 2);
		shards.forEach((shard) -> assertThat(((Number) shard.get("locations")).intValue())
			.isGreaterThanOrEqualTo(seedLocations.get(shard.get("id"))));
	}

	@Test
	void createdLocationAndReportLandOnTheContinentsShard() throws Exception {
		HttpResponse<String> created = post("/locations", "{\"continent\": \"Europe\", \"city\": \"T-Paris\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		Map<String, Object> paris = json.readValue(created.body(), Map.class);
		assertThat(paris.get("continent")).isEqualTo("Europe");
		long id = ((Number) paris.get("id")).longValue();

		HttpResponse<String> report = post("/locations/" + id + "/reports", "{\"temperature\": 81.5}");
		assertThat(report.statusCode()).isEqualTo(201);
		long reportId = ((Number) json.readValue(report.body(), Map.class).get("id")).longValue();

		for (String shard : ShardDatabases.SHARDS) {
			boolean isEurope = shard.equals("europe");
			assertThat(this.databases.locations(shard)).as(shard)
				.extracting(ShardDatabases.Location::id)
				.matches((ids) -> ids.contains(id) == isEurope);
			assertThat(this.databases.reports(shard)).as(shard)
				.extracting(ShardDatabases.ReportRow::id)
				.matches((ids) -> ids.contains(reportId) == isEurope);
		}
		Map<String, Object> stored = getMap("/locations/" + id);
		assertThat((List<Map<String, Object>>) stored.get("reports")).extracting((r) -> r.get("temperature"))
			.containsExactly(81.5);
	}

	@Test
	void unknownContinentIsABadRequestAndWritesNothing() throws Exception {
		HttpResponse<String> response = post("/locations", "{\"continent\": \"Atlantis\", \"city\": \"T-Poseidonis\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Atlantis").contains("continent");
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::city)
				.doesNotContain("T-Poseidonis");
		}
	}

	@Test
	void unknownIdIsNotFound() throws Exception {
		assertThat(get("/locations/12345").statusCode()).isEqualTo(404);
		assertThat(post("/locations/12345/reports", "{\"temperature\": 1}").statusCode()).isEqualTo(404);
	}

	@Test
	void everySeedRowSitsOnItsContinentsShardOnly() throws Exception {
		Set<String> seedCities = Set.of("Tokyo", "New York", "Toronto", "London", "Dublin", "Brasila", "Quito");
		Map<String, String> shardOfCity = new java.util.HashMap<>();
		for (String shard : ShardDatabases.SHARDS) {
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				assertThat(ShardDatabases.SHARD_OF_CONTINENT.get(location.continent())).as(location.city())
					.isEqualTo(shard);
				if (seedCities.contains(location.city())) {
					assertThat(shardOfCity.put(location.city(), shard)).as("%s stored twice", location.city()).isNull();
				}
			}
		}
		assertThat(shardOfCity.keySet()).isEqualTo(seedCities);
		Set<String> reportShards = ShardDatabases.SHARDS.stream().filter((shard) -> {
			try {
				return !this.databases.reports(shard).isEmpty();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}).collect(Collectors.toSet());
		assertThat(reportShards).containsExactlyInAnyOrder("asia", "north_america", "south_america");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private List<Map<String, Object>> getList(String path) throws Exception {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return json.readValue(response.body(), List.class);
	}

	private Map<String, Object> getMap(String path) throws Exception {
		HttpResponse<String> response = get(path);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return json.readValue(response.body(), Map.class);
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path.replace(" ", "%20"));
	}

}
