package io.shardwise.demo;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
		"shardwise.fan-out.timeout=1s", "shardwise.fan-out.on-shard-failure=partial",
		"shardwise.shards[europe].pool.maximum-pool-size=2", "shardwise.shards[europe].pool.connection-timeout=120s" })
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

	@Test
	void aFanOutOnTheCallerStopsWaitingForAShardsConnectionAtTheDeadline() throws Exception {
		String workload = "count of weather_locations, pool in use";
		for (int i = 0; i < 10; i++) {
			this.fanOut.execute(ShardCallKind.FAN_OUT, "probe", workload, this.shards.all(), (shard) -> 0L);
		}
		// Every connection of Europe's pool in use, as when its server is down: a caller
		// would wait for the pool's connection timeout of 120 s.
		DataSource europe = this.shards.get("europe").dataSource();
		List<Connection> held = new ArrayList<>();
		try {
			held.add(europe.getConnection());
			held.add(europe.getConnection());
			this.calls.clear();
			JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
			// Bounded at 60 s: without the watchdog's interrupt the wait outlasts it.
			PartialResult<Map<Shard, Long>> counted = CompletableFuture
				.supplyAsync(() -> PartialResult.capture(() -> this.fanOut.execute(ShardCallKind.FAN_OUT, "count",
						workload, this.shards.all(),
						(shard) -> jdbc.queryForObject("select count(*) from weather_locations", Long.class))))
				.get(60, TimeUnit.SECONDS);
			assertThat(this.calls.onCaller()).as("shard calls on the calling thread").isNotEmpty();
			assertThat(counted.missingShards()).contains("europe");
		}
		finally {
			for (Connection connection : held) {
				connection.close();
			}
		}
		// The interrupt reached nothing else: the caller's next calls work.
		assertThat(this.locations.countByContinent("Europe")).isNotNegative();
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
