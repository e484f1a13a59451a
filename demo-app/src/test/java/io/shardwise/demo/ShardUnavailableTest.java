package io.shardwise.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.shardwise.ShardTemplate;
import io.shardwise.routing.ShardUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every way a call can fail to reach a shard surfaces as one
 * {@link ShardUnavailableException} naming it, on real PostgreSQL servers that are
 * stopped and killed with SIGKILL: a write whose commit finds the server gone, a
 * transaction whose server is killed between two statements, a statement in flight
 * when the server is killed, and a pool that times out behind a locked table.
 */
@PostgresShardsTest
@TestPropertySource(properties = { "demo.test.postgres.database=weather_unavailable",
		"shardwise.shards[europe].pool.connection-timeout=1s", "shardwise.shards[europe].pool.maximum-pool-size=3" })
class ShardUnavailableTest {

	private static final String DEAD = "europe";

	private static final String DATABASE = "weather_unavailable";

	@Autowired
	OutageOperations operations;

	@Autowired
	ShardTemplate shardTemplate;

	@Autowired
	JdbcTemplate jdbcTemplate;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	ShardDatabases databases;

	@AfterEach
	void restart() {
		EmbeddedPostgresShards.get().start(DEAD);
		awaitShard();
	}

	@Test
	void writeWhoseCommitFindsTheServerStoppedIsShardUnavailable() throws SQLException {
		EmbeddedPostgresShards.get().stop(DEAD);
		drainBrokenConnections();
		// The first statement of this transaction is the flush at commit.
		assertUnavailable(() -> this.operations.save("Europe", "U-commit"));
		EmbeddedPostgresShards.get().start(DEAD);
		awaitShard();
		assertThat(this.databases.locations(DEAD)).extracting(ShardDatabases.Location::city).doesNotContain("U-commit");
	}

	@Test
	void transactionWhoseServerIsKilledBetweenStatementsIsShardUnavailable() throws SQLException {
		assertUnavailable(() -> this.operations.readThenSave("Europe", "U-kill-tx",
				() -> EmbeddedPostgresShards.get().kill(DEAD)));
		EmbeddedPostgresShards.get().start(DEAD);
		awaitShard();
		assertThat(this.databases.locations(DEAD)).extracting(ShardDatabases.Location::city)
			.doesNotContain("U-kill-tx");
	}

	@Test
	void transactionWhoseServerIsStoppedBetweenStatementsIsShardUnavailable() {
		assertUnavailable(() -> this.operations.readThenSave("Europe", "U-stop-tx",
				() -> EmbeddedPostgresShards.get().stop(DEAD)));
	}

	@Test
	void statementInFlightWhenTheServerIsKilledIsShardUnavailable() throws Exception {
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<Object> sleeping = caller.submit(() -> this.shardTemplate.onShard(DEAD,
					(shard) -> this.jdbcTemplate.queryForObject("select pg_sleep(60)", Object.class)));
			awaitBackendRunning("pg_sleep");
			EmbeddedPostgresShards.get().kill(DEAD);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> sleeping.get(30, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOfSatisfying(ShardUnavailableException.class,
						(ex) -> assertThat(ex.getShard()).isEqualTo(DEAD));
		}
		finally {
			caller.shutdownNow();
		}
	}

	@Test
	void poolThatTimesOutIsShardUnavailable() throws Exception {
		ExecutorService blocked = Executors.newFixedThreadPool(3);
		try (Connection lock = EmbeddedPostgresShards.get().connectAsSuperuser(DEAD, DATABASE);
				Statement statement = lock.createStatement()) {
			lock.setAutoCommit(false);
			statement.execute("lock table weather_locations in access exclusive mode");
			List<Future<Long>> waiting = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				waiting.add(blocked.submit(() -> this.locations.countByContinent("Europe")));
			}
			awaitBackendCount("weather_locations", 3);
			assertThatExceptionOfType(ShardUnavailableException.class)
				.isThrownBy(() -> this.locations.countByContinent("Europe"))
				.satisfies((ex) -> assertThat(ex.getShard()).isEqualTo(DEAD))
				.havingCause()
				.isInstanceOf(SQLTransientConnectionException.class);
			lock.rollback();
			for (Future<Long> call : waiting) {
				assertThat(call.get(30, TimeUnit.SECONDS)).isNotNegative();
			}
		}
		finally {
			blocked.shutdownNow();
		}
	}

	private static void assertUnavailable(Runnable call) {
		assertThatExceptionOfType(ShardUnavailableException.class).isThrownBy(call::run)
			.withMessageContaining("'" + DEAD + "'")
			.satisfies((ex) -> assertThat(ex.getShard()).isEqualTo(DEAD));
	}

	/** Connections open when the server went away fail once each; then the pool reports it. */
	private void drainBrokenConnections() {
		for (int i = 0; i < 10; i++) {
			try {
				this.locations.countByContinent("Europe");
			}
			catch (ShardUnavailableException ex) {
				if (ex.getCause() instanceof SQLTransientConnectionException) {
					return;
				}
			}
		}
		throw new AssertionError("Europe's pool never timed out");
	}

	private void awaitShard() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try {
				this.locations.countByContinent("Europe");
				return;
			}
			catch (ShardUnavailableException ex) {
				assertThat(System.nanoTime()).as("shard not back").isLessThan(deadline);
				sleep(100);
			}
		}
	}

	private static void awaitBackendRunning(String queryPart) throws SQLException {
		awaitBackendCount(queryPart, 1);
	}

	private static void awaitBackendCount(String queryPart, int count) throws SQLException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		try (Connection connection = EmbeddedPostgresShards.get().connectAsSuperuser(DEAD, DATABASE);
				Statement statement = connection.createStatement()) {
			while (true) {
				try (var rows = statement.executeQuery("select count(*) from pg_stat_activity where usename = '"
						+ EmbeddedPostgresShards.APP_USER + "' and state = 'active' and query like '%" + queryPart
						+ "%'")) {
					rows.next();
					if (rows.getInt(1) >= count) {
						return;
					}
				}
				assertThat(System.nanoTime()).as("backends running %s", queryPart).isLessThan(deadline);
				sleep(20);
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Config {

		@Bean
		OutageOperations outageOperations(WeatherLocationRepository locations) {
			return new OutageOperations(locations);
		}

	}

	/** Unkeyed transactions, whose commit runs outside every Shardwise call. */
	static class OutageOperations {

		private final WeatherLocationRepository locations;

		OutageOperations(WeatherLocationRepository locations) {
			this.locations = locations;
		}

		@Transactional
		public WeatherLocation save(String continent, String city) {
			return this.locations.save(new WeatherLocation(continent, city));
		}

		@Transactional
		public WeatherLocation readThenSave(String continent, String city, Runnable between) {
			this.locations.findByContinentOrderByIdAsc(continent);
			between.run();
			return this.locations.save(new WeatherLocation(continent, city));
		}

	}

}
