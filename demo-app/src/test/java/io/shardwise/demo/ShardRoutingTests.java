package io.shardwise.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.shardwise.ShardTemplate;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.UnknownShardKeyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * Which shard each kind of call reaches, proven by the statement counts of each shard's
 * own database and by reading each shard's tables directly.
 */
abstract class ShardRoutingTests {

	@Autowired
	ShardDatabases databases;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	ReportRepository reports;

	@Autowired
	ShardTemplate shardTemplate;

	@Autowired
	JdbcTemplate jdbcTemplate;

	@BeforeEach
	void resetCounts() throws Exception {
		this.databases.resetStatementCounts();
	}

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void keyedQueryTouchesOnlyItsShard() throws Exception {
		assertThat(this.locations.findByContinentOrderByIdAsc("Asia")).extracting(WeatherLocation::getCity)
			.containsExactly("Tokyo");
		assertThat(this.databases.statementCounts()).containsOnly(entry("north_america", 0), entry("asia", 1),
				entry("europe", 0), entry("south_america", 0));
	}

	@Test
	void collectionKeyTouchesOnlyTheShardsOfItsValues() throws Exception {
		assertThat(this.locations.findByContinentInOrderByIdAsc(List.of("Europe", "Asia")))
			.extracting(WeatherLocation::getCity)
			.containsExactlyInAnyOrder("Tokyo", "London", "Dublin");
		Map<String, Integer> counts = this.databases.statementCounts();
		assertThat(counts.get("asia")).isEqualTo(1);
		assertThat(counts.get("europe")).isEqualTo(1);
		assertThat(counts.get("north_america")).isZero();
		assertThat(counts.get("south_america")).isZero();
	}

	@Test
	void emptyCollectionKeyTouchesNoShard() throws Exception {
		assertThat(this.locations.findByContinentInOrderByIdAsc(List.of())).isEmpty();
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	@Test
	void unkeyedQueryTouchesEveryShardAndMergesResults() throws Exception {
		List<WeatherLocation> all = this.locations.findAll();
		assertThat(all).extracting(WeatherLocation::getCity)
			.contains("Tokyo", "New York", "Toronto", "London", "Dublin", "Brasila", "Quito");
		assertThat(this.databases.statementCounts().values()).containsOnly(1);

		long total = 0;
		for (String shard : ShardDatabases.SHARDS) {
			total += this.databases.locations(shard).size();
		}
		this.databases.resetStatementCounts();
		assertThat(this.locations.count()).isEqualTo(total);
		assertThat(this.databases.statementCounts().values()).containsOnly(1);
	}

	@Test
	void findByShardwiseIdGoesStraightToItsShard() throws Exception {
		long tokyoId = this.databases.locations("asia").get(0).id();
		this.databases.resetStatementCounts();
		assertThat(this.locations.findById(tokyoId)).get().extracting(WeatherLocation::getCity).isEqualTo("Tokyo");
		assertThat(this.locations.existsById(tokyoId)).isTrue();
		Map<String, Integer> counts = this.databases.statementCounts();
		assertThat(counts.get("asia")).isPositive();
		assertThat(counts).containsEntry("north_america", 0).containsEntry("europe", 0).containsEntry("south_america", 0);
	}

	@Test
	void foreignIdIsLookedUpOnEveryShard() throws Exception {
		this.databases.execute("europe", "insert into weather_locations (id, continent, city) values (42, 'Europe', 'T-Legacy')");
		this.databases.resetStatementCounts();

		assertThat(this.locations.findById(42L)).get().extracting(WeatherLocation::getCity).isEqualTo("T-Legacy");
		assertThat(this.databases.statementCounts().values()).allMatch((count) -> count > 0);
		assertThat(this.locations.existsById(42L)).isTrue();
		assertThat(this.locations.findById(43L)).isEmpty();
		assertThat(this.locations.existsById(43L)).isFalse();

		this.locations.deleteById(42L);
		assertThat(this.databases.locations("europe")).extracting(ShardDatabases.Location::city)
			.doesNotContain("T-Legacy");
	}

	@Test
	void aForeignIdFoundOnTwoShardsIsRefusedNamingThem() throws Exception {
		// As identity columns of each shard's own would make them.
		this.databases.execute("europe", "insert into weather_locations (id, continent, city) values (44, 'Europe', 'T-Twin')");
		this.databases.execute("asia", "insert into weather_locations (id, continent, city) values (44, 'Asia', 'T-Twin')");
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class)
			.isThrownBy(() -> this.locations.findById(44L))
			.withMessageContaining("findById(44) found a row on shards [asia, europe]")
			.withMessageContaining("not unique across shards");
		assertThat(this.locations.existsById(44L)).isTrue();
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class)
			.isThrownBy(() -> this.locations.deleteById(44L))
			.withMessageContaining("deleteById(44) found a row on shards [asia, europe]");
		assertThat(this.databases.cities("asia")).contains("T-Twin");
		assertThat(this.databases.cities("europe")).contains("T-Twin");
	}

	@Test
	void saveRoutesByEntityKeyAndChildFollowsParent() throws Exception {
		WeatherLocation lima = this.locations.save(new WeatherLocation("South America", "T-Lima"));
		Report report = this.reports.save(new Report(lima, 71.5));
		Map<String, Integer> counts = this.databases.statementCounts();
		assertThat(counts.get("south_america")).isPositive();
		assertThat(counts).containsEntry("north_america", 0).containsEntry("asia", 0).containsEntry("europe", 0);

		assertThat(this.databases.locations("south_america")).extracting(ShardDatabases.Location::id)
			.contains(lima.getId());
		assertThat(this.databases.reports("south_america")).contains(
				new ShardDatabases.ReportRow(report.getId(), lima.getId(), 71.5));
		for (String shard : List.of("north_america", "asia", "europe")) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::id)
				.doesNotContain(lima.getId());
			assertThat(this.databases.reports(shard)).extracting(ShardDatabases.ReportRow::id)
				.doesNotContain(report.getId());
		}
	}

	@Test
	void saveAllWritesEachGroupToItsShardAndKeepsInputOrder() throws Exception {
		List<WeatherLocation> input = List.of(new WeatherLocation("Europe", "T-Oslo"),
				new WeatherLocation("Asia", "T-Seoul"), new WeatherLocation("Europe", "T-Rome"),
				new WeatherLocation("North America", "T-Denver"));
		List<WeatherLocation> saved = this.locations.saveAll(input);

		assertThat(saved).extracting(WeatherLocation::getCity).containsExactly("T-Oslo", "T-Seoul", "T-Rome", "T-Denver");
		assertThat(saved).allMatch((location) -> location.getId() != null);
		assertThat(cities("europe")).contains("T-Oslo", "T-Rome").doesNotContain("T-Seoul", "T-Denver");
		assertThat(cities("asia")).contains("T-Seoul").doesNotContain("T-Oslo", "T-Rome", "T-Denver");
		assertThat(cities("north_america")).contains("T-Denver").doesNotContain("T-Oslo", "T-Seoul");
		assertThat(cities("south_america")).noneMatch((city) -> city.startsWith("T-"));

		this.locations.deleteAll(saved);
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(cities(shard)).noneMatch((city) -> city.startsWith("T-"));
		}
	}

	@Test
	void unknownKeyFailsBeforeAnyStatement() throws Exception {
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.locations.save(new WeatherLocation("Atlantis", "T-Nowhere")))
			.withMessageContaining("Atlantis")
			.withMessageContaining("continent");
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.locations.findByContinentOrderByIdAsc("Atlantis"));
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.locations.findByContinentOrderByIdAsc(null))
			.withMessageContaining("null");
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

	@Test
	void saveAllWithOneUnknownKeyWritesNothing() throws Exception {
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> this.locations
			.saveAll(List.of(new WeatherLocation("Europe", "T-Vienna"), new WeatherLocation("Atlantis", "T-Atlas"))));
		assertThat(cities("europe")).doesNotContain("T-Vienna");
	}

	@Test
	void shardTemplateRunsPlainJdbcOnTheChosenShard() throws Exception {
		this.shardTemplate.onShardOf("Asia", (shard) -> this.jdbcTemplate
			.update("insert into weather_locations (id, continent, city) values (7, 'Asia', 'T-Osaka')"));
		assertThat(cities("asia")).contains("T-Osaka");
		assertThat(this.shardTemplate.onAllShards((shard) -> this.jdbcTemplate
			.queryForObject("select count(*) from weather_locations where city = 'T-Osaka'", Integer.class)))
			.containsExactly(entry("north_america", 0), entry("asia", 1), entry("europe", 0), entry("south_america", 0));
	}

	@Test
	void jdbcTemplateWithoutShardFailsClearly() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.jdbcTemplate.queryForObject("select count(*) from weather_locations", Long.class))
			.withMessageContaining("No shard selected");
	}

	private List<String> cities(String shard) throws Exception {
		List<String> cities = new ArrayList<>();
		this.databases.locations(shard).forEach((location) -> cities.add(location.city()));
		return cities;
	}


}
