package io.shardwise.demo;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.shardwise.ShardTemplate;
import io.shardwise.id.ShardIds;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.Shards;
import io.shardwise.routing.UnknownShardKeyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataIntegrityViolationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Bad input gets a specific exception or a normal empty answer, never a half-applied
 * write; shard key values are only ever bound as parameters.
 */
abstract class BadInputTests {

	private static final String SQL_IN_KEY = "Europe'; DROP TABLE weather_locations; --";

	@Autowired
	ShardDatabases databases;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	LocationQueries queries;

	@Autowired
	TestOperations operations;

	@Autowired
	ShardTemplate shardTemplate;

	@Autowired
	Shards shards;

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
	void nullShardKeyIsRefusedBeforeAnyStatement() throws Exception {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.locations.findByContinentOrderByIdAsc(null))
			.withMessageContaining("null");
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.locations.save(new WeatherLocation(null, "T-Null")))
			.withMessageContaining("WeatherLocation.continent is null");
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.operations.saveWithReports(null, "T-Null", 1, false));
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	@Test
	void keyTheLookupDoesNotKnowIsRefusedBeforeAnyStatement() throws Exception {
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.locations.countByContinent("Antarctica"))
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("Antarctica"))
			.satisfies((ex) -> assertThat(ex.getStrategy()).isEqualTo("continent"));
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.locations.findByContinentInOrderByIdAsc(List.of("Asia", "Antarctica")));
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	@Test
	void emptyInListRunsNowhere() throws Exception {
		assertThat(this.locations.findByContinentInOrderByIdAsc(List.of())).isEmpty();
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	@Test
	void hugeInListIsSplitByShard() throws Exception {
		List<String> continents = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			continents.add(List.of("North America", "Asia", "Europe", "South America").get(i % 4));
		}
		assertThat(this.locations.findByContinentInOrderByIdAsc(continents)).extracting(WeatherLocation::getCity)
			.contains("Tokyo", "New York", "Toronto", "London", "Dublin", "Brasila", "Quito");
		assertThat(this.databases.statementCounts().values()).containsOnly(1);

		this.databases.resetStatementCounts();
		continents.add("Atlantis");
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.locations.findByContinentInOrderByIdAsc(continents));
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	@Test
	void shardKeyCarryingSqlIsJustAnUnknownKey() throws Exception {
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.locations.findByContinentOrderByIdAsc(SQL_IN_KEY));
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.locations.save(new WeatherLocation(SQL_IN_KEY, "T-Injected")));
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.shardTemplate.onShardOf(SQL_IN_KEY, (shard) -> shard));
		HttpResponse<String> response = get("/locations?continent=" + URLEncoder.encode(SQL_IN_KEY, StandardCharsets.UTF_8));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.cities(shard)).isNotEmpty();
		}
	}

	@Test
	void sqlInValuesIsStoredVerbatim() throws Exception {
		String city = "T-'; DROP TABLE weather_reports; --";
		WeatherLocation saved = this.operations.saveWithReports("Asia", city, 1, false);
		assertThat(this.queries.findByCity(city)).get().extracting(WeatherLocation::getId).isEqualTo(saved.getId());
		assertThat(this.databases.cities("asia")).contains(city);
		assertThat(this.databases.reports("asia")).extracting(ShardDatabases.ReportRow::locationId)
			.contains(saved.getId());
	}

	@Test
	void idThatExistsNowhereIsEmpty() throws Exception {
		long unknown = this.shards.get("europe").nextId();
		assertThat(this.locations.findById(unknown)).isEmpty();
		assertThat(this.locations.existsById(unknown)).isFalse();
		this.locations.deleteById(unknown);
		assertThat(get("/locations/" + unknown).statusCode()).isEqualTo(404);
	}

	@Test
	void malformedShardwiseIdIsEmptyOrABadRequest() throws Exception {
		long realId = this.locations.findByContinentOrderByIdAsc("Asia").get(0).getId();
		// Same timestamp and sequence, shard index 200 of 4.
		long unknownShard = (realId & ~(0xFFL << 14)) | (200L << 14);
		for (long id : new long[] { -1, 0, Long.MAX_VALUE, unknownShard }) {
			assertThat(ShardIds.shardIndexOf(id) >= 0 && ShardIds.shardIndexOf(id) < 4).as("%d names a shard", id)
				.isFalse();
			assertThat(this.locations.findById(id)).as("%d", id).isEmpty();
			assertThat(this.locations.existsById(id)).as("%d", id).isFalse();
			assertThat(get("/locations/" + id).statusCode()).as("%d", id).isEqualTo(404);
		}
		assertThat(get("/locations/not-a-number").statusCode()).isEqualTo(400);
		assertThat(get("/locations/99999999999999999999999").statusCode()).isEqualTo(400);
	}

	@Test
	void failingSaveAllOnOneShardWritesNothing() throws Exception {
		String tooLong = "T-" + "x".repeat(60);
		assertThatExceptionOfType(DataIntegrityViolationException.class).isThrownBy(() -> this.locations
			.saveAll(List.of(new WeatherLocation("Europe", "T-Valid"), new WeatherLocation("Europe", tooLong))));
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> this.operations.saveWithReports("Europe", tooLong, 2, false));
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.cities(shard)).doesNotContain("T-Valid", tooLong);
		}
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
