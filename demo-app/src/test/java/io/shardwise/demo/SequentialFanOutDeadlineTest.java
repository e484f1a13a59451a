package io.shardwise.demo;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.shardwise.fanout.PartialResult;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A fan-out that the executor runs shard after shard on the calling thread (it measured
 * that cheaper) still stops at its deadline when a shard's table is locked: no worker is
 * left to cancel the blocked statement, so the statement's query timeout does, and the
 * result under the partial policy misses that shard instead of waiting for the lock. The
 * next fan-out runs in parallel again.
 */
@PostgresShardsTest
@Import(SequentialFanOutTest.ObserverConfiguration.class)
@TestPropertySource(properties = { "demo.test.postgres.database=" + SequentialFanOutDeadlineTest.DATABASE,
		"shardwise.fan-out.timeout=1s", "shardwise.fan-out.on-shard-failure=partial" })
class SequentialFanOutDeadlineTest {

	static final String DATABASE = "weather_sequential_deadline";

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	SequentialFanOutTest.Calls calls;

	@Test
	void aFanOutOnTheCallerStopsALockedShardsStatementAtTheDeadline() throws Exception {
		this.locations.save(new WeatherLocation("Europe", "Lyon"));
		awaitCountOnTheCaller();
		try (Connection lock = EmbeddedPostgresShards.get().connectAsSuperuser("europe", DATABASE);
				Statement statement = lock.createStatement()) {
			lock.setAutoCommit(false);
			statement.execute("lock table weather_locations in access exclusive mode");
			this.calls.clear();
			// Bounded here only so that a hang fails the test instead of the build.
			PartialResult<Long> counted = CompletableFuture
				.supplyAsync(() -> PartialResult.capture(this.locations::count))
				.get(60, TimeUnit.SECONDS);
			// The shards after it on the caller missed the deadline too.
			assertThat(counted.missingShards()).contains("europe");
			assertThat(this.calls.onCaller()).as("shard calls on the calling thread").isNotEmpty();
			// That run made the sequential way dearer: the next fan-out runs in parallel and
			// misses only the locked shard.
			this.calls.clear();
			PartialResult<Long> again = CompletableFuture.supplyAsync(() -> PartialResult.capture(this.locations::count))
				.get(60, TimeUnit.SECONDS);
			assertThat(again.missingShards()).containsExactly("europe");
			assertThat(this.calls.onCaller()).isEmpty();
			lock.rollback();
		}
		assertThat(this.locations.countByContinent("Europe")).isPositive();
	}

	/**
	 * Count until the executor runs the fan-out on the calling thread five times in a row;
	 * it may keep preferring parallel runs, when they measure cheaper on this machine, and
	 * then there is nothing to test.
	 */
	private void awaitCountOnTheCaller() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		int inARow = 0;
		while (inARow < 5) {
			assumeTrue(System.nanoTime() < deadline,
					"the executor kept the count in parallel (measured cheaper here): no sequential run to test");
			this.calls.clear();
			this.locations.count();
			inARow = this.calls.onCaller().isEmpty() ? 0 : inARow + 1;
		}
	}

}
