package io.shardwise.demo;

import java.util.List;

import io.shardwise.routing.ShardRoutingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Pageable;

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
	void unmergeableResultsAreRefusedBeforeAnyShardRuns() throws Exception {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.queries.findByContinentNot("Asia", Pageable.ofSize(5)))
			.withMessageContaining("Page");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.queries.maxId())
			.withMessageContaining("maxId");
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

}
