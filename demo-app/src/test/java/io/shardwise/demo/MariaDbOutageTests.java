package io.shardwise.demo;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.shardwise.audit.ConsistencyReport;
import io.shardwise.audit.ShardConsistencyChecker;
import io.shardwise.fanout.ShardFanOutException;
import io.shardwise.routing.ShardUnavailableException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Stops the Europe shard's MariaDB server and starts it again: the other shards keep
 * serving keyed reads and writes, calls that need Europe fail naming it, the same
 * application recovers on its own, and every acknowledged write is on its shard
 * afterwards, as seen in each shard's own database. (The PostgreSQL outage test runs the
 * same fault under a concurrent workload; this one runs it step by step, in the suite's
 * context, last, so that it costs no context of its own.) Needs short connection
 * timeouts on the shards.
 */
abstract class MariaDbOutageTests {

	private static final String DEAD = "europe";

	private static final List<String> CONTINENTS = List.of("North America", "Asia", "Europe", "South America");

	private static final List<String> ALIVE = List.of("North America", "Asia", "South America");

	@Autowired
	TestOperations operations;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	ShardConsistencyChecker checker;

	@Autowired
	ShardDatabases databases;

	/** Acknowledged writes: city by location id. */
	private final Map<Long, String> acknowledged = new HashMap<>();

	@Test
	void outageOfOneShardIsContainedAndRecoveredWithoutLosingAnything() throws Exception {
		MariaDbShards servers = MariaDbShards.get();
		CONTINENTS.forEach((continent) -> save(continent, "T-M-before-" + continent));
		servers.stop(DEAD);
		try {
			drainBrokenConnections();
			assertThatExceptionOfType(ShardUnavailableException.class)
				.isThrownBy(() -> this.operations.saveWithReports("Europe", "T-M-refused", 1, false))
				.withMessageContaining("'europe'")
				.satisfies((ex) -> assertThat(ex.getShard()).isEqualTo(DEAD))
				// The pool's timeout, or a connection that broke before the pool noticed: either
				// way the one exception a caller catches.
				.havingCause()
				.isInstanceOf(java.sql.SQLException.class);
			assertThatExceptionOfType(ShardFanOutException.class).isThrownBy(() -> this.locations.count())
				.withMessageContaining("'europe'")
				.satisfies((ex) -> assertThat(ex.getFailures()).containsOnlyKeys(DEAD));
			for (String continent : ALIVE) {
				save(continent, "T-M-during-" + continent);
				assertThat(this.locations.countByContinent(continent)).isPositive();
			}
		}
		finally {
			servers.start(DEAD);
		}
		awaitRecovery();
		CONTINENTS.forEach((continent) -> save(continent, "T-M-after-" + continent));

		ConsistencyReport report = this.checker.check(WeatherController.TABLES);
		assertThat(report.isConsistent()).as(report.toString()).isTrue();
		Map<Long, String> stored = new HashMap<>();
		for (String shard : ShardDatabases.SHARDS) {
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				assertThat(ShardDatabases.SHARD_OF_CONTINENT.get(location.continent())).isEqualTo(shard);
				stored.put(location.id(), location.city());
			}
		}
		assertThat(stored).containsAllEntriesOf(this.acknowledged).doesNotContainValue("T-M-refused");
		System.out.printf("Reliability (MariaDB, outage): 2 faults injected (stop and restart of shard '%s'), "
				+ "%d acknowledged locations, %d rows checked, rows lost = 0%n", DEAD, this.acknowledged.size(),
				report.getRowsChecked());
	}

	private void save(String continent, String city) {
		WeatherLocation saved = this.operations.saveWithReports(continent, city, 1, false);
		this.acknowledged.put(saved.getId(), city);
	}

	/**
	 * Connections that were open when the server stopped fail once each with the
	 * driver's connection error and are evicted; after them the pool reports the shard
	 * unavailable.
	 */
	private void drainBrokenConnections() {
		for (int i = 0; i < 20; i++) {
			try {
				this.locations.countByContinent("Europe");
			}
			catch (ShardUnavailableException ex) {
				return;
			}
			catch (RuntimeException ex) {
				assertThat(isConnectionLoss(ex)).as("failure of a call in flight: %s", ex).isTrue();
			}
		}
		throw new AssertionError("Europe's pool never reported the shard unavailable");
	}

	/** HikariCP reconnects in the background: wait for the first call to reach Europe again. */
	private void awaitRecovery() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try {
				assertThat(this.locations.countByContinent("Europe")).isPositive();
				return;
			}
			catch (ShardUnavailableException ex) {
				assertThat(System.nanoTime()).as("shard '%s' not back after its restart", DEAD).isLessThan(deadline);
				Thread.sleep(100);
			}
		}
	}

	private static boolean isConnectionLoss(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
				return true;
			}
		}
		return false;
	}

}
