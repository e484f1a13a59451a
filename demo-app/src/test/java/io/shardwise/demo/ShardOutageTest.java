package io.shardwise.demo;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.shardwise.audit.ConsistencyReport;
import io.shardwise.audit.ShardConsistencyChecker;
import io.shardwise.fanout.ShardFanOutException;
import io.shardwise.routing.ShardUnavailableException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Stops the Europe shard's PostgreSQL server while a mixed workload runs, and starts it
 * again: the other shards keep serving, calls that need Europe fail within the connection
 * timeout naming it, the same application recovers on its own, and nothing acknowledged
 * before, during or after the outage is lost.
 */
@PostgresShardsTest
@TestPropertySource(properties = { "demo.test.postgres.database=weather_outage", "shardwise.fan-out.on-shard-failure=fail",
		"shardwise.shards[north_america].pool.connection-timeout=1s", "shardwise.shards[asia].pool.connection-timeout=1s",
		"shardwise.shards[europe].pool.connection-timeout=1s",
		"shardwise.shards[south_america].pool.connection-timeout=1s" })
class ShardOutageTest {

	private static final String DEAD = "europe";

	private static final String DEAD_CONTINENT = "Europe";

	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(1);

	/** Generous: the bound is the connection timeout, the rest is slack for a busy CI machine. */
	private static final Duration DEADLINE = CONNECTION_TIMEOUT.plusSeconds(9);

	private static final List<String> CONTINENTS = List.of("North America", "Asia", "Europe", "South America");

	private static final int THREADS = 4;

	@Autowired
	TestOperations operations;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	ShardConsistencyChecker checker;

	@Autowired
	ShardDatabases databases;

	private final Map<Long, Integer> acknowledged = new ConcurrentHashMap<>();

	private final Set<String> refused = ConcurrentHashMap.newKeySet();

	private final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();

	private final AtomicLong slowestFailureNanos = new AtomicLong();

	private final AtomicInteger operationsRun = new AtomicInteger();

	private volatile Phase phase = Phase.BEFORE;

	private long recoveryNanos;

	@Test
	void outageOfOneShardIsContainedAndRecoveredWithoutLosingAnything() throws Exception {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			workers.add(pool.submit(() -> work(thread)));
		}
		try {
			awaitOperations(400);
			this.phase = Phase.OUTAGE;
			servers.stop(DEAD);
			try {
				drainBrokenConnections();
				assertUnavailableWithinDeadline();
				assertFanOutFailsNamingTheDeadShard();
				awaitOperations(this.operationsRun.get() + 150);
			}
			finally {
				servers.start(DEAD);
			}
			// The same application, no restart of its own: the pool reconnects by itself.
			long restarted = System.nanoTime();
			awaitRecovery();
			this.recoveryNanos = System.nanoTime() - restarted;
			this.phase = Phase.AFTER;
			awaitOperations(this.operationsRun.get() + 400);
			this.phase = Phase.DONE;
			for (Future<?> worker : workers) {
				worker.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			this.phase = Phase.DONE;
			pool.shutdownNow();
			servers.start(DEAD);
		}

		ConsistencyReport report = this.checker.check(WeatherController.TABLES);
		assertThat(report.isConsistent()).as(report.toString()).isTrue();
		int lost = 0;
		Map<Long, Integer> reportsFound = new ConcurrentHashMap<>();
		Set<Long> locationsFound = ConcurrentHashMap.newKeySet();
		for (String shard : ShardDatabases.SHARDS) {
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				locationsFound.add(location.id());
				assertThat(this.refused).as("a write refused during the outage was stored")
					.doesNotContain(location.city());
			}
			this.databases.reports(shard).forEach((row) -> reportsFound.merge(row.locationId(), 1, Integer::sum));
		}
		for (Map.Entry<Long, Integer> write : this.acknowledged.entrySet()) {
			if (!locationsFound.contains(write.getKey())
					|| !write.getValue().equals(reportsFound.getOrDefault(write.getKey(), 0))) {
				lost++;
			}
		}
		assertThat(lost).isZero();
		assertThat(this.outcomes).containsKeys("OUTAGE unavailable", "OUTAGE ok", "AFTER ok")
			.doesNotContainKeys("AFTER failed", "BEFORE failed");
		System.out.printf("Reliability (PostgreSQL, outage): %d operations %s, 2 faults injected (stop and restart "
				+ "of shard '%s'), slowest failure %d ms (connection timeout %d ms), recovered %d ms after the restart, "
				+ "%d acknowledged locations, %d rows checked, rows lost = %d%n", this.operationsRun.get(),
				new java.util.TreeMap<>(this.outcomes), DEAD, TimeUnit.NANOSECONDS.toMillis(this.slowestFailureNanos.get()),
				CONNECTION_TIMEOUT.toMillis(), TimeUnit.NANOSECONDS.toMillis(this.recoveryNanos),
				this.acknowledged.size(), report.getRowsChecked(), lost);
	}

	/**
	 * Wait for the first call to reach the restarted shard: HikariCP retries to connect
	 * in the background, backing off between attempts, so this takes up to a few seconds.
	 */
	private void awaitRecovery() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try {
				assertThat(this.locations.countByContinent(DEAD_CONTINENT)).isNotNegative();
				return;
			}
			catch (ShardUnavailableException ex) {
				assertThat(System.nanoTime()).as("shard '%s' not back after its restart", DEAD).isLessThan(deadline);
				Thread.sleep(100);
			}
		}
	}

	/**
	 * Connections that were open when the server stopped fail once each (a
	 * {@code ShardUnavailableException} wrapping the driver's connection error) and are
	 * evicted; after them the pool reports that it has no connection.
	 */
	private void drainBrokenConnections() {
		for (int i = 0; i < 20; i++) {
			try {
				this.locations.countByContinent(DEAD_CONTINENT);
			}
			catch (ShardUnavailableException ex) {
				if (ex.getCause() instanceof SQLTransientConnectionException) {
					return;
				}
				assertThat(isConnectionLoss(ex)).as("failure of a call in flight: %s", ex).isTrue();
			}
			catch (RuntimeException ex) {
				assertThat(isConnectionLoss(ex)).as("failure of a call in flight: %s", ex).isTrue();
			}
		}
		throw new AssertionError("Europe's pool never reported the shard unavailable");
	}

	private void assertUnavailableWithinDeadline() {
		long start = System.nanoTime();
		assertThatExceptionOfType(ShardUnavailableException.class)
			.isThrownBy(() -> this.operations.saveWithReports(DEAD_CONTINENT, "T-O-probe", 1, false))
			.withMessageContaining("'europe'")
			.satisfies((ex) -> assertThat(ex.getShard()).isEqualTo(DEAD))
			.havingCause()
			.isInstanceOf(SQLTransientConnectionException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);
		this.refused.add("T-O-probe");
		// Keyed calls to the other shards are served as usual.
		for (String continent : List.of("North America", "Asia", "South America")) {
			assertThat(this.locations.countByContinent(continent)).isNotNegative();
		}
	}

	private void assertFanOutFailsNamingTheDeadShard() {
		long start = System.nanoTime();
		assertThatExceptionOfType(ShardFanOutException.class).isThrownBy(() -> this.locations.count())
			.withMessageContaining("'europe'")
			.satisfies((ex) -> assertThat(ex.getFailures()).containsOnlyKeys(DEAD))
			.satisfies((ex) -> assertThat(ex.getFailures().get(DEAD)).isInstanceOf(ShardUnavailableException.class));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);
	}

	private Void work(int thread) {
		for (int i = 0; i < 5000 && this.phase != Phase.DONE; i++) {
			Phase started = this.phase;
			String continent = CONTINENTS.get(ThreadLocalRandom.current().nextInt(CONTINENTS.size()));
			String city = "T-O-" + thread + "-" + i;
			boolean needsDeadShard = continent.equals(DEAD_CONTINENT);
			int choice = ThreadLocalRandom.current().nextInt(10);
			long begin = System.nanoTime();
			try {
				if (choice < 5) {
					int reports = ThreadLocalRandom.current().nextInt(3);
					WeatherLocation saved = this.operations.saveWithReports(continent, city, reports, false);
					this.acknowledged.put(saved.getId(), reports);
				}
				else if (choice < 8) {
					this.locations.countByContinent(continent);
				}
				else {
					needsDeadShard = true;
					this.locations.count();
				}
				record(started, "ok");
			}
			catch (RuntimeException ex) {
				Phase ended = this.phase;
				// A call in flight when the server stopped started before the outage.
				boolean overlapsOutage = started == Phase.OUTAGE || ended == Phase.OUTAGE
						|| (started == Phase.BEFORE && ended != Phase.BEFORE);
				if (!overlapsOutage || !needsDeadShard) {
					record(started, "failed");
					throw ex;
				}
				started = Phase.OUTAGE;
				this.slowestFailureNanos.accumulateAndGet(System.nanoTime() - begin, Math::max);
				if (ex instanceof ShardUnavailableException unavailable && unavailable.getShard().equals(DEAD)
						&& unavailable.getCause() instanceof SQLTransientConnectionException) {
					// No connection, so nothing was sent: the write must not be stored.
					this.refused.add(city);
					record(started, "unavailable");
				}
				else if (ex instanceof ShardUnavailableException unavailable && unavailable.getShard().equals(DEAD)) {
					// The connection broke during the call: a commit may or may not have happened.
					record(started, "connection lost in flight");
				}
				else if (ex instanceof ShardFanOutException fanOut && fanOut.getFailures().keySet().equals(Set.of(DEAD))) {
					record(started, "unavailable");
				}
				else if (isConnectionLoss(ex)) {
					record(started, "connection lost in flight");
				}
				else {
					record(started, "failed");
					throw ex;
				}
			}
			this.operationsRun.incrementAndGet();
		}
		return null;
	}

	private void record(Phase phase, String outcome) {
		this.outcomes.computeIfAbsent(phase + " " + outcome, (key) -> new AtomicInteger()).incrementAndGet();
	}

	private void awaitOperations(int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		while (this.operationsRun.get() < count) {
			assertThat(System.nanoTime()).as("workload stalled").isLessThan(deadline);
			assertThat(this.outcomes).as("unexpected failure").doesNotContainKeys("BEFORE failed", "OUTAGE failed",
					"AFTER failed");
			Thread.sleep(20);
		}
	}

	/** Whether a failure comes from a connection that the stopped server cut. */
	private static boolean isConnectionLoss(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P01"))) {
				return true;
			}
		}
		return false;
	}

	private enum Phase {

		BEFORE, OUTAGE, AFTER, DONE

	}

}
