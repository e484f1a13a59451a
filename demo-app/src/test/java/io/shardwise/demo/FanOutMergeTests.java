package io.shardwise.demo;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.shardwise.routing.ShardRoutingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the results of unkeyed repository methods merge across the four shards.
 */
abstract class FanOutMergeTests {

	@Autowired
	ShardDatabases databases;

	@Autowired
	LocationQueries queries;

	@Autowired
	WeatherLocationRepository locations;

	@BeforeEach
	void saveTestRows() throws Exception {
		this.locations.saveAll(List.of(new WeatherLocation("Asia", "T-Twin"), new WeatherLocation("Europe", "T-Twin"),
				new WeatherLocation("Europe", "T-Solo"), new WeatherLocation("South America", "T-Other")));
		this.databases.resetStatementCounts();
	}

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void singleResultComesFromTheOneShardThatHasIt() {
		assertThat(this.queries.findByCity("T-Solo")).get().extracting(WeatherLocation::getContinent)
			.isEqualTo("Europe");
		assertThat(this.queries.getByCity("T-Solo").getContinent()).isEqualTo("Europe");
		assertThat(this.queries.findByCity("T-None")).isEmpty();
	}

	@Test
	void singleResultFoundOnTwoShardsIsAnError() {
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class)
			.isThrownBy(() -> this.queries.findByCity("T-Twin"))
			.withMessageContaining("2 shards");
	}

	@Test
	void countsSumExistsOrSetsUnite() {
		assertThat(this.queries.countByCityStartingWith("T-")).isEqualTo(4);
		assertThat(this.queries.existsByCity("T-Other")).isTrue();
		assertThat(this.queries.existsByCity("T-None")).isFalse();
		assertThat(this.queries.findByCityStartingWith("T-")).hasSize(4);
	}

	@Test
	void deleteByReturnsTheSumOfRowsDeletedOnEveryShard() throws Exception {
		assertThat(this.queries.deleteByCityStartingWith("T-")).isEqualTo(4);
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::city)
				.noneMatch((city) -> city.startsWith("T-"));
		}
	}

	@Test
	void pagesMergeInOrderWithSummedTotals() {
		Page<WeatherLocation> page = this.queries.findByContinentNot("Asia",
				PageRequest.of(1, 2, Sort.by("city").descending()));
		List<String> expected = this.locations.findAll()
			.stream()
			.filter((location) -> !location.getContinent().equals("Asia"))
			.map(WeatherLocation::getCity)
			.sorted(Comparator.reverseOrder())
			.toList();
		assertThat(page.getTotalElements()).isEqualTo(expected.size());
		assertThat(page.getContent()).extracting(WeatherLocation::getCity).containsExactlyElementsOf(expected.subList(2, 4));
	}

	@Test
	void streamsMergeLazilyInOrder() {
		try (Stream<WeatherLocation> stream = this.queries.streamByCityStartingWithOrderByCityDesc("T-")) {
			assertThat(stream.map(WeatherLocation::getCity)).containsExactly("T-Twin", "T-Twin", "T-Solo", "T-Other");
		}
		try (Stream<WeatherLocation> stream = this.queries.streamByCityStartingWith("T-")) {
			assertThat(stream.map(WeatherLocation::getContinent)).hasSize(4)
				.containsOnly("Asia", "Europe", "South America");
		}
	}

	@Test
	void closingAStreamEarlyStopsItsShardProducers() throws Exception {
		try (Stream<WeatherLocation> stream = this.queries.streamByCityStartingWithOrderByCityDesc("T-")) {
			assertThat(stream.findFirst()).get().extracting(WeatherLocation::getCity).isEqualTo("T-Twin");
		}
		for (int i = 0; i < 100 && streamThreads() > 0; i++) {
			Thread.sleep(50);
		}
		assertThat(streamThreads()).isZero();
	}

	private static long streamThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("shardwise-stream-") && thread.isAlive())
			.count();
	}

	@Test
	void listWithPageableIsThatPageOfTheMergedOrder() {
		assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(0, 2, Sort.by("city"))))
			.extracting(WeatherLocation::getCity)
			.containsExactly("T-Other", "T-Solo");
		assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(1, 3, Sort.by("city"))))
			.extracting(WeatherLocation::getCity)
			.containsExactly("T-Twin");
		assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(2, 2))).isEmpty();
	}

	@Test
	void aggregateQueriesMergeAcrossShards() throws Exception {
		long max = Long.MIN_VALUE;
		for (String shard : ShardDatabases.SHARDS) {
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				max = Math.max(max, location.id());
			}
		}
		assertThat(this.queries.maxId()).isEqualTo(max);
	}

	@Test
	void unmergeableResultsAreRefusedBeforeAnyShardRuns() throws Exception {
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.queries.citiesOnSeveralRows())
			.withMessageContaining("citiesOnSeveralRows")
			.withMessageContaining("HAVING");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.queries.findAllOrderedInQuery())
			.withMessageContaining("ORDER BY");
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

}
