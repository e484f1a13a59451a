package io.shardwise.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's operations endpoints over HTTP: per-shard health, the shards endpoint and
 * Shardwise's metrics after known calls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperationsEndpointsTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	@SuppressWarnings("unchecked")
	void healthHasOneUpComponentPerShard() throws Exception {
		HttpResponse<String> response = get("/actuator/health");
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> health = json.readValue(response.body(), Map.class);
		assertThat(health).containsEntry("status", "UP");
		Map<String, Object> shards = (Map<String, Object>) ((Map<String, Object>) health.get("components"))
			.get("shards");
		assertThat(shards).containsEntry("status", "UP");
		Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) shards.get("components");
		assertThat(components).containsOnlyKeys(ShardDatabases.SHARDS);
		assertThat(components.values()).allSatisfy((shard) -> {
			assertThat(shard).containsEntry("status", "UP");
			assertThat((Map<String, Object>) shard.get("details")).containsEntry("database", "H2")
				.containsKey("validationTimeMillis");
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void shardsEndpointDescribesShardsAndTheContinentStrategy() throws Exception {
		HttpResponse<String> response = get("/actuator/shards");
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Object> body = json.readValue(response.body(), Map.class);
		List<Map<String, Object>> shards = (List<Map<String, Object>>) body.get("shards");
		assertThat(shards).extracting((shard) -> shard.get("id")).containsExactlyElementsOf(ShardDatabases.SHARDS);
		assertThat(shards.get(1)).containsEntry("url", "jdbc:h2:mem:asia;DB_CLOSE_DELAY=-1")
			.containsEntry("schemaVersion", "1");
		assertThat((Map<String, Object>) shards.get(1).get("pool")).containsEntry("name", "shardwise-asia")
			.containsKeys("maximumSize", "active", "idle", "pending", "total");
		assertThat(body).containsEntry("schemaDrift", false).containsEntry("defaultStrategy", "continent");
		Map<String, Object> continent = (Map<String, Object>) ((Map<String, Object>) body.get("strategies"))
			.get("continent");
		assertThat(continent).containsEntry("type", "lookup");
		assertThat((Map<String, Object>) continent.get("mapping")).containsEntry("Asia", "asia")
			.containsEntry("North America", "north_america");
	}

	@Test
	void metricsCountRoutedFanOutAndIdLookupCalls() throws Exception {
		long routed = calls("asia", "routed", "success");
		long fanOut = calls("europe", "fan-out", "success");
		long idLookup = calls("south_america", "id-lookup", "success");

		assertThat(get("/locations?continent=Asia").statusCode()).isEqualTo(200);
		this.locations.findAll();
		assertThat(this.locations.findById(12345L)).isEmpty();

		assertThat(calls("asia", "routed", "success")).isEqualTo(routed + 1);
		assertThat(calls("europe", "fan-out", "success")).isEqualTo(fanOut + 1);
		assertThat(calls("south_america", "id-lookup", "success")).isEqualTo(idLookup + 1);

		HttpResponse<String> metric = get("/actuator/metrics/shardwise.calls?tag=shard:asia&tag=kind:routed");
		assertThat(metric.statusCode()).isEqualTo(200);
		assertThat(metric.body()).contains("\"name\":\"shardwise.calls\"").contains("\"tag\":\"outcome\"");
		assertThat(get("/actuator/metrics/shardwise.fan-out.width").statusCode()).isEqualTo(200);
		HttpResponse<String> pool = get("/actuator/metrics/hikaricp.connections.max?tag=shard:asia");
		assertThat(pool.statusCode()).isEqualTo(200);
		assertThat(pool.body()).contains("\"value\":10.0");
	}

	private long calls(String shard, String kind, String outcome) {
		Timer timer = this.meterRegistry.find("shardwise.calls")
			.tags("shard", shard, "kind", kind, "outcome", outcome)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
