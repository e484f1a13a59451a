package io.shardwise.jdbcdemo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.shardwise.ShardTemplate;
import io.shardwise.id.ShardIds;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a Spring Data JDBC user gets: the repository calls of {@link StationRepository},
 * with placement and cleanup checked in each shard's own database through plain JDBC on
 * that shard's pool (no routing), beside a JPA repository in the same application. One
 * subclass per kind of database.
 */
abstract class JdbcRepositoryTests {

	static final Map<String, String> SHARD_OF_CONTINENT = Map.of("North America", "north_america", "Asia", "asia",
			"Europe", "europe", "South America", "south_america");

	@Autowired
	StationRepository stations;

	@Autowired
	StationNoteRepository notes;

	@Autowired
	StationService service;

	@Autowired
	Shards shards;

	@Autowired
	JdbcAggregateTemplate aggregates;

	@Autowired
	ShardTemplate shardTemplate;

	@AfterEach
	void deleteEverything() {
		for (Shard shard : this.shards.all()) {
			JdbcTemplate jdbc = new JdbcTemplate(shard.dataSource());
			jdbc.update("delete from station_readings");
			jdbc.update("delete from stations");
			jdbc.update("delete from station_notes");
		}
		assertThat(ShardContext.currentShard()).isNull();
	}

	@Test
	void saveWritesTheWholeAggregateToItsShardWithAnIdNamingIt() {
		Station saved = this.stations.save(new Station("Asia", "Tokyo", 20.5, 21.0, 19.5));
		assertThat(saved.getId()).isNotNull();
		assertThat(ShardIds.shardIndexOf(saved.getId())).isEqualTo(this.shards.get("asia").index());
		assertThat(names("asia")).containsExactly("Tokyo");
		assertThat(jdbc("asia").queryForList("select temperature from station_readings where station_id = ? "
				+ "order by position", Double.class, saved.getId())).containsExactly(20.5, 21.0, 19.5);
		for (String other : List.of("north_america", "europe", "south_america")) {
			assertThat(names(other)).isEmpty();
			assertThat(jdbc(other).queryForObject("select count(*) from station_readings", Integer.class)).isZero();
		}
		// an update of the aggregate stays on its shard
		saved.getReadings().add(new Station.Reading(18.0));
		saved.setName("Tokyo-2");
		this.stations.save(saved);
		assertThat(names("asia")).containsExactly("Tokyo-2");
		assertThat(jdbc("asia").queryForObject("select count(*) from station_readings", Integer.class)).isEqualTo(4);
	}

	@Test
	void anIdIsDrawnOnlyOnTheShardTheAggregateIsSavedTo() {
		// Spring Data JDBC's template bypasses the repository and so the routing: no shard, no id.
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.aggregates.save(new Station("Asia", "Nowhere")))
			.withMessageContaining("No shard selected while generating the id of " + Station.class.getName());
		Station saved = this.shardTemplate.onShardOf("Asia", (shard) -> this.aggregates.save(new Station("Asia", "Kyoto")));
		assertThat(ShardIds.shardIndexOf(saved.getId())).isEqualTo(this.shards.get("asia").index());
		assertThat(names("asia")).containsExactly("Kyoto");
		// an id set by the application is kept
		Station given = new Station("Europe", "Given");
		given.setId(this.shards.get("europe").nextId());
		long id = given.getId();
		this.shardTemplate.onShardOf("Europe", (shard) -> this.aggregates.insert(given));
		assertThat(this.stations.findById(id)).get().extracting(Station::getName).isEqualTo("Given");
	}

	@Test
	void saveAllWritesEachShardsGroupThereAndKeepsInputOrder() {
		List<Station> saved = this.stations.saveAll(List.of(new Station("Europe", "Paris", 10), new Station("Asia",
				"Seoul", 5), new Station("Europe", "Oslo"), new Station("South America", "Lima", 22)));
		assertThat(saved).extracting(Station::getName).containsExactly("Paris", "Seoul", "Oslo", "Lima");
		assertThat(saved).allSatisfy((station) -> assertThat(ShardIds.shardIndexOf(station.getId()))
			.isEqualTo(this.shards.get(SHARD_OF_CONTINENT.get(station.getContinent())).index()));
		assertThat(names("europe")).containsExactlyInAnyOrder("Paris", "Oslo");
		assertThat(names("asia")).containsExactly("Seoul");
		assertThat(names("south_america")).containsExactly("Lima");
		assertThat(names("north_america")).isEmpty();
	}

	@Test
	void deleteRemovesTheAggregateFromItsShard() {
		Station lima = this.stations.save(new Station("South America", "Lima", 22, 23));
		Station quito = this.stations.save(new Station("South America", "Quito", 15));
		this.stations.delete(lima);
		assertThat(names("south_america")).containsExactly("Quito");
		assertThat(jdbc("south_america").queryForList("select station_id from station_readings", Long.class))
			.containsOnly(quito.getId());
		this.stations.deleteAll(List.of(quito));
		assertThat(names("south_america")).isEmpty();
	}

	@Test
	void keyedQueriesRunOnTheShardsOfTheirKeys() {
		saveSome();
		// a row that only a query on Europe's shard would see, to prove where the call ran
		jdbc("north_america").update("insert into stations (id, continent, name) values (7, 'Europe', 'Stray')");
		assertThat(this.stations.findByContinent("Europe")).extracting(Station::getName)
			.containsExactlyInAnyOrder("Paris", "Oslo");
		assertThat(this.stations.findByContinentIn(List.of("Asia", "Europe"))).extracting(Station::getName)
			.containsExactlyInAnyOrder("Paris", "Oslo", "Seoul", "Tokyo");
		assertThat(this.stations.findByContinentIn(List.of())).isEmpty();
		assertThat(this.stations.findByContinent("Asia").get(0).getReadings()).isNotEmpty();
	}

	@Test
	void findByShardwiseIdGoesToTheShardTheIdNames() {
		Station tokyo = this.stations.save(new Station("Asia", "Tokyo", 20));
		// the same id on another shard: a fan-out would find two and fail
		jdbc("europe").update("insert into stations (id, continent, name) values (?, 'Europe', 'Impostor')",
				tokyo.getId());
		assertThat(this.stations.findById(tokyo.getId())).get()
			.satisfies((found) -> assertThat(found.getName()).isEqualTo("Tokyo"))
			.satisfies((found) -> assertThat(found.getReadings()).containsExactly(new Station.Reading(20)));
		assertThat(this.stations.existsById(tokyo.getId())).isTrue();
		this.stations.deleteById(tokyo.getId());
		assertThat(names("asia")).isEmpty();
		assertThat(names("europe")).containsExactly("Impostor");
	}

	@Test
	void anyOtherIdIsLookedForOnEveryShardAndTheFirstHitWins() {
		jdbc("south_america").update("insert into stations (id, continent, name) values (42, 'South America', 'Legacy')");
		assertThat(this.stations.findById(42L)).get().extracting(Station::getName).isEqualTo("Legacy");
		assertThat(this.stations.existsById(42L)).isTrue();
		assertThat(this.stations.findById(43L)).isEmpty();
		this.stations.deleteById(42L);
		assertThat(names("south_america")).isEmpty();
	}

	@Test
	void unkeyedQueriesFanOutAndMergeAsOneDatabaseWould() {
		saveSome();
		List<String> all = List.of("Lima", "Oslo", "Paris", "Quito", "Seoul", "Tokyo", "Toronto");
		assertThat(this.stations.findAll(Sort.by("name"))).extracting(Station::getName).containsExactlyElementsOf(all);
		assertThat(this.stations.findByNameStartingWith("", Sort.by("name").descending()))
			.extracting(Station::getName)
			.containsExactlyElementsOf(reversed(all));
		Page<Station> page = this.stations.findAll(PageRequest.of(1, 3, Sort.by("name")));
		assertThat(page.getTotalElements()).isEqualTo(7);
		assertThat(page.getContent()).extracting(Station::getName).containsExactly("Quito", "Seoul", "Tokyo");
		assertThat(this.stations.findByNameStartingWith("T", PageRequest.of(0, 1, Sort.by("name"))))
			.extracting(Station::getName)
			.containsExactly("Tokyo");
		assertThat(this.stations.findTop2ByNameStartingWithOrderByNameDesc("")).extracting(Station::getName)
			.containsExactly("Toronto", "Tokyo");
		assertThat(this.stations.findByNameStartingWith("", Limit.of(3), Sort.by("name"))).extracting(Station::getName)
			.containsExactly("Lima", "Oslo", "Paris");
		try (Stream<Station> stream = this.stations.streamByNameStartingWithOrderByNameAsc("")) {
			assertThat(stream.map(Station::getName)).containsExactlyElementsOf(all);
		}
		assertThat(this.stations.count()).isEqualTo(7);
		assertThat(this.stations.countByNameStartingWith("T")).isEqualTo(2);
		assertThat(this.stations.existsByName("Quito")).isTrue();
		assertThat(this.stations.existsByName("Atlantis")).isFalse();
		assertThat(this.stations.findByName("Oslo")).get().extracting(Station::getContinent).isEqualTo("Europe");
		assertThat(this.stations.findAllById(this.stations.findByContinent("Europe").stream().map(Station::getId).toList()))
			.extracting(Station::getName)
			.containsExactlyInAnyOrder("Paris", "Oslo");
		assertThat(this.stations.shout("T%")).isEqualTo(2);
		assertThat(names("asia")).contains("Tokyo!");
		assertThat(names("north_america")).containsExactly("Toronto!");
	}

	/**
	 * Spring Data JDBC (4.1) has no scrolling: a {@code Window} query method runs as a
	 * single-result query. Pinned so that this stays an error rather than an answer; use
	 * {@code Pageable} or {@code Limit} with a {@code Sort} instead.
	 */
	@Test
	void windowsAreNotSupportedBySpringDataJdbcAndFail() {
		saveSome();
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> this.stations.findFirst2ByNameStartingWithOrderByNameAsc("", ScrollPosition.keyset()))
			.isInstanceOfAny(IncorrectResultSizeDataAccessException.class, ClassCastException.class);
	}

	@Test
	void unmergeableCallsAreRefusedAndSingleResultsOnTwoShardsAreAnError() {
		this.stations.saveAll(List.of(new Station("Asia", "Twin"), new Station("Europe", "Twin")));
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class)
			.isThrownBy(() -> this.stations.findByName("Twin"))
			.withMessageContaining("2 shards");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.stations.findAllOrderedInQuery())
			.withMessageContaining("ORDER BY");
	}

	@Test
	void jdbcAndJpaRepositoriesShareOneTransactionOnOneShard() {
		Station saved = this.service.saveWithNote("Europe", "Paris", false);
		assertThat(names("europe")).containsExactly("Paris");
		assertThat(jdbc("europe").queryForList("select text from station_notes", String.class))
			.containsExactly("note of Paris");
		assertThat(this.notes.findByContinent("Europe")).hasSize(1);
		assertThat(ShardIds.shardIndexOf(saved.getId())).isEqualTo(this.shards.get("europe").index());

		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.service.saveWithNote("Asia", "Tokyo", true));
		assertThat(names("asia")).isEmpty();
		assertThat(jdbc("asia").queryForObject("select count(*) from station_readings", Integer.class)).isZero();
		assertThat(jdbc("asia").queryForObject("select count(*) from station_notes", Integer.class)).isZero();
	}

	@Test
	void anotherShardInsideATransactionIsRefusedAndNothingIsWritten() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.service.saveOnOtherShard("Asia", "Europe", "Both"))
			.withMessageContaining("'europe'")
			.withMessageContaining("'asia'");
		assertThat(names("asia")).isEmpty();
		assertThat(names("europe")).isEmpty();
	}

	@Test
	void scatterInsideATransactionReadsEveryShard() {
		saveSome();
		// The unit of work reads every shard on its own connection, inside the transaction.
		assertThat(this.service.countEverywhereAfter("Asia")).isEqualTo(7);
	}

	private void saveSome() {
		this.stations.saveAll(List.of(new Station("Europe", "Paris", 10), new Station("Europe", "Oslo", 3),
				new Station("Asia", "Seoul", 5), new Station("Asia", "Tokyo", 20, 21),
				new Station("North America", "Toronto", -5), new Station("South America", "Lima", 22),
				new Station("South America", "Quito", 15)));
	}

	private JdbcTemplate jdbc(String shard) {
		return new JdbcTemplate(this.shards.get(shard).dataSource());
	}

	private List<String> names(String shard) {
		return jdbc(shard).queryForList("select name from stations", String.class);
	}

	private static List<String> reversed(List<String> list) {
		List<String> copy = new ArrayList<>(list);
		copy.sort(Comparator.reverseOrder());
		return copy;
	}

}
