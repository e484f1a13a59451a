package io.shardwise.demo;

import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's behaviour tests on four real MariaDB servers, and an outage of one of them.
 * To share the build's time rather than add to it, the load test runs half the
 * operations of the PostgreSQL run (the H2 run gave up the other half), and the outage
 * runs in this suite's context instead of one of its own.
 */
@MariaDbShardsTest
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@TestPropertySource(properties = { "shardwise.shards[north_america].pool.connection-timeout=2s",
		"shardwise.shards[asia].pool.connection-timeout=2s", "shardwise.shards[europe].pool.connection-timeout=2s",
		"shardwise.shards[south_america].pool.connection-timeout=2s" })
class MariaDbDemoTest {

	@Nested
	class SeedScenario extends SeedScenarioTests {

	}

	@Nested
	class Routing extends ShardRoutingTests {

	}

	@Nested
	class Transactions extends TransactionRoutingTests {

	}

	@Nested
	class FanOutMerge extends FanOutMergeTests {

	}

	@Nested
	class Concurrency extends ConcurrentRoutingTests {

	}

	@Nested
	class LoadConsistency extends LoadConsistencyTests {

		@Override
		int operationsPerThread() {
			return OPERATIONS_PER_THREAD / 2;
		}

	}

	@Nested
	class BadInput extends BadInputTests {

	}

	/** Stops and restarts a shard's server: after every other suite of this context. */
	@Nested
	@Order(Integer.MAX_VALUE)
	class Outage extends MariaDbOutageTests {

	}

	/**
	 * MariaDB's default collations (utf8mb4_general_ci, utf8mb4_uca1400_ai_ci) order text
	 * case-insensitively, Java does not. The test databases use the binary collation
	 * {@value MariaDbShards#COLLATION}, as README tells MariaDB users to do, and with it
	 * every shard sorts as the merge does.
	 */
	@Nested
	class Collation {

		@Autowired
		WeatherLocationRepository locations;

		@Autowired
		LocationQueries queries;

		@Autowired
		ShardDatabases databases;

		@AfterEach
		void deleteTestRows() throws Exception {
			this.databases.deleteTestRows();
		}

		@Test
		void sortedFanOutOfMixedCaseTextIsJavasOrder() throws Exception {
			List<String> cities = List.of("T-apple", "T-Banana", "T-cherry", "T-Date", "T-_under", "T-Zeta", "T-zulu",
					"T-Ärger", "T-ärger", "T-a ");
			List<String> continents = List.of("North America", "Asia", "Europe", "South America");
			for (int i = 0; i < cities.size(); i++) {
				this.locations.save(new WeatherLocation(continents.get(i % 4), cities.get(i)));
			}
			List<String> javaOrder = cities.stream().sorted(Comparator.naturalOrder()).toList();
			assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(0, 100, Sort.by("city"))))
				.extracting(WeatherLocation::getCity)
				.containsExactlyElementsOf(javaOrder);
			assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(0, 3, Sort.by("city").descending())))
				.extracting(WeatherLocation::getCity)
				.containsExactly(javaOrder.get(javaOrder.size() - 1), javaOrder.get(javaOrder.size() - 2),
						javaOrder.get(javaOrder.size() - 3));
			// each shard's own ORDER BY agrees with Java
			for (String shard : ShardDatabases.SHARDS) {
				List<String> stored = this.databases.cities(shard).stream().filter((c) -> c.startsWith("T-")).toList();
				try (var connection = this.databases.connect(shard);
						var statement = connection.createStatement();
						var result = statement.executeQuery(
								"select city from weather_locations where city like 'T-%' order by city")) {
					List<String> ordered = new java.util.ArrayList<>();
					while (result.next()) {
						ordered.add(result.getString(1));
					}
					assertThat(ordered).isEqualTo(stored.stream().sorted().toList());
				}
			}
		}

	}

}
