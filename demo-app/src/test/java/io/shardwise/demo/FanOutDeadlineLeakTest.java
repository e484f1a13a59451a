package io.shardwise.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.fanout.PartialResult;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fan-out whose deadline passes while one shard's table is locked (by another
 * connection, for longer than the deadline) does not leak that shard's connections: the
 * statements past the deadline are cancelled at the server, their connections return to
 * the pool, and the server never sees more backends of the application than the pool's
 * size. Run it on Java 17 and on Java 21+, where workers are virtual threads, whose
 * interrupt would close a socket under a running statement.
 */
@PostgresShardsTest
@TestPropertySource(properties = { "demo.test.postgres.database=weather_deadline_leak",
		"shardwise.fan-out.timeout=1s", "shardwise.fan-out.on-shard-failure=partial",
		"shardwise.shards[europe].pool.maximum-pool-size=" + FanOutDeadlineLeakTest.POOL_SIZE,
		"shardwise.shards[europe].pool.minimum-idle=1" })
class FanOutDeadlineLeakTest {

	static final int POOL_SIZE = 3;

	private static final String LOCKED = "europe";

	private static final String DATABASE = "weather_deadline_leak";

	private static final int FAN_OUTS = 8;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	Shards shards;

	@Autowired
	FanOutExecutor fanOut;

	@Test
	void deadlineCancelsTheLockedShardsStatementsWithoutOpeningMoreConnections() throws Exception {
		this.locations.save(new WeatherLocation("Europe", "Lyon"));
		HikariDataSource pool = (HikariDataSource) this.shards.get(LOCKED).dataSource();
		int mostBackends = 0;
		ExecutorService callers = Executors.newFixedThreadPool(POOL_SIZE);
		try (Connection lock = EmbeddedPostgresShards.get().connectAsSuperuser(LOCKED, DATABASE);
				Statement statement = lock.createStatement()) {
			// Warm up first: in a fresh context, opening the pools' connections
			// (scram-sha-256) and the first statements took longer than the deadline on a
			// busy machine.
			List<Future<PartialResult<Long>>> warmUp = new ArrayList<>();
			for (int c = 0; c < POOL_SIZE; c++) {
				warmUp.add(callers.submit(() -> PartialResult.capture(this.locations::count)));
			}
			for (Future<PartialResult<Long>> call : warmUp) {
				call.get(60, TimeUnit.SECONDS);
			}
			lock.setAutoCommit(false);
			statement.execute("lock table weather_locations in access exclusive mode");
			for (int i = 0; i < FAN_OUTS; i++) {
				// Several callers at once, so that the locked shard's pool is in full use.
				List<Future<PartialResult<Long>>> calls = new ArrayList<>();
				for (int c = 0; c < POOL_SIZE; c++) {
					calls.add(callers.submit(() -> PartialResult.capture(this.locations::count)));
				}
				for (Future<PartialResult<Long>> call : calls) {
					// A run on the caller (the executor measured counts cheap there) also
					// misses the shard after the locked one, as README says.
					assertThat(call.get(60, TimeUnit.SECONDS).missingShards()).startsWith(LOCKED)
						.isSubsetOf(LOCKED, "south_america");
				}
				mostBackends = Math.max(mostBackends, applicationBackends(lock));
			}
			// Still locked: the connections are back because their statements were cancelled.
			awaitNoActiveConnections(pool);
			mostBackends = Math.max(mostBackends, applicationBackends(lock));
			assertThat(waitingOnTheLock(lock)).isZero();
			lock.rollback();
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(this.locations.countByContinent("Europe")).isPositive();
		assertThat(mostBackends).as("backends of the application on the locked shard").isLessThanOrEqualTo(POOL_SIZE);
		System.out.printf("Fan-out deadline (PostgreSQL, Java %s, %s threads): %d fan-outs of %d callers past a 1 s "
				+ "deadline on a locked shard, most server backends %d for a pool of %d%n",
				Runtime.version().feature(), this.fanOut.usesVirtualThreads() ? "virtual" : "platform", FAN_OUTS,
				POOL_SIZE, mostBackends, POOL_SIZE);
	}

	private static void awaitNoActiveConnections(HikariDataSource pool) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (pool.getHikariPoolMXBean().getActiveConnections() > 0) {
			assertThat(System.nanoTime()).as("connections still in use").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private static int applicationBackends(Connection connection) throws SQLException {
		return count(connection, "select count(*) from pg_stat_activity where usename = '"
				+ EmbeddedPostgresShards.APP_USER + "' and datname = '" + DATABASE + "'");
	}

	private static int waitingOnTheLock(Connection connection) throws SQLException {
		return count(connection, "select count(*) from pg_stat_activity where usename = '"
				+ EmbeddedPostgresShards.APP_USER + "' and wait_event_type = 'Lock'");
	}

	private static int count(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getInt(1);
		}
	}

}
