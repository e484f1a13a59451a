package io.shardwise.demo;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.fanout.PartialResult;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fan-out that the executor runs shard after shard on the calling thread (it measured
 * that cheaper) still stops at its deadline when a shard's table is locked: no worker is
 * left to cancel the blocked statement, so the statement's query timeout does, and the
 * result under the partial policy misses that shard instead of waiting for the lock. The
 * next fan-out of that workload runs in parallel again.
 */
@PostgresShardsTest
@Import(SequentialFanOutTest.ObserverConfiguration.class)
@TestPropertySource(properties = { "demo.test.postgres.database=" + SequentialFanOutDeadlineTest.DATABASE,
		"shardwise.fan-out.timeout=1s", "shardwise.fan-out.on-shard-failure=partial" })
class SequentialFanOutDeadlineTest {

	static final String DATABASE = "weather_sequential_deadline";

	private static final String WORKLOAD = "count of weather_locations";

	@Autowired
	FanOutExecutor fanOut;

	@Autowired
	Shards shards;

	@Autowired
	DataSource dataSource;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	SequentialFanOutTest.Calls calls;

	@Test
	void aFanOutOnTheCallerStopsALockedShardsStatementAtTheDeadline() throws Exception {
		this.locations.save(new WeatherLocation("Europe", "Lyon"));
		// Shard calls that do nothing cost far less in a row than handed to workers: from
		// the third fan-out on, the executor runs this workload on the caller.
		for (int i = 0; i < 10; i++) {
			this.fanOut.execute(ShardCallKind.FAN_OUT, "probe", WORKLOAD, this.shards.all(), (shard) -> 0L);
		}
		try (Connection lock = EmbeddedPostgresShards.get().connectAsSuperuser("europe", DATABASE);
				Statement statement = lock.createStatement()) {
			lock.setAutoCommit(false);
			statement.execute("lock table weather_locations in access exclusive mode");
			this.calls.clear();
			PartialResult<Map<Shard, Long>> counted = countOnEveryShard();
			assertThat(this.calls.onCaller()).as("shard calls on the calling thread").isNotEmpty();
			// The shards after it on the caller missed the deadline too.
			assertThat(counted.missingShards()).contains("europe");
			// That run made the sequential way dearer: the next one runs in parallel and
			// misses only the locked shard.
			this.calls.clear();
			PartialResult<Map<Shard, Long>> again = countOnEveryShard();
			assertThat(this.calls.onCaller()).isEmpty();
			assertThat(again.missingShards()).containsExactly("europe");
			lock.rollback();
		}
		assertThat(this.locations.countByContinent("Europe")).isPositive();
	}

	private PartialResult<Map<Shard, Long>> countOnEveryShard() throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		// Bounded here only so that a hang fails the test instead of the build.
		return CompletableFuture
			.supplyAsync(() -> PartialResult.capture(() -> this.fanOut.execute(ShardCallKind.FAN_OUT, "count",
					WORKLOAD, this.shards.all(),
					(shard) -> jdbc.queryForObject("select count(*) from weather_locations", Long.class))))
			.get(60, TimeUnit.SECONDS);
	}

}
