package io.shardwise.demo;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.shardwise.fanout.PartialResult;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under {@code shardwise.fan-out.on-shard-failure=partial}, unkeyed queries keep
 * answering with the healthy shards' rows while one shard's PostgreSQL server is down,
 * within the fan-out deadline even though the dead shard's pool would wait longer for a
 * connection, and answer completely again after its restart.
 */
@PostgresShardsTest
@TestPropertySource(properties = { "demo.test.postgres.database=weather_outage_partial",
		"shardwise.fan-out.on-shard-failure=partial", "shardwise.fan-out.timeout=1s",
		"shardwise.shards[europe].pool.connection-timeout=10s" })
class ShardOutagePartialTest {

	private static final Duration FAN_OUT_TIMEOUT = Duration.ofSeconds(1);

	/** Generous: the bound is the fan-out deadline, the rest is slack for a busy CI machine. */
	private static final Duration DEADLINE = FAN_OUT_TIMEOUT.plusSeconds(4);

	private static final int QUERIES = 5;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	ShardDatabases databases;

	@Test
	void unkeyedQueriesAnswerFromTheHealthyShardsWhileOneIsDown() throws Exception {
		Set<Long> all = new HashSet<>();
		Set<Long> healthy = new HashSet<>();
		for (String shard : ShardDatabases.SHARDS) {
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				all.add(location.id());
				if (!shard.equals("europe")) {
					healthy.add(location.id());
				}
			}
		}
		assertThat(ids(PartialResult.capture(this.locations::findAll))).isEqualTo(all);

		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		long slowest = 0;
		servers.stop("europe");
		try {
			for (int i = 0; i < QUERIES; i++) {
				long start = System.nanoTime();
				PartialResult<List<WeatherLocation>> answer = PartialResult.capture(this.locations::findAll);
				long elapsed = System.nanoTime() - start;
				slowest = Math.max(slowest, elapsed);
				assertThat(answer.missingShards()).containsExactly("europe");
				assertThat(ids(answer)).isEqualTo(healthy);
				assertThat(Duration.ofNanos(elapsed)).isLessThan(DEADLINE);
			}
			assertThat(PartialResult.capture(this.locations::count).value()).isEqualTo(healthy.size());
		}
		finally {
			servers.start("europe");
		}

		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		PartialResult<List<WeatherLocation>> answer = PartialResult.capture(this.locations::findAll);
		while (!answer.isComplete()) {
			assertThat(System.nanoTime()).as("Europe not back after its restart").isLessThan(deadline);
			Thread.sleep(100);
			answer = PartialResult.capture(this.locations::findAll);
		}
		assertThat(ids(answer)).isEqualTo(all);
		assertThat(this.locations.countByContinent("Europe")).isEqualTo(all.size() - healthy.size());
		System.out.printf("Reliability (PostgreSQL, outage, partial): %d unkeyed queries during the outage answered "
				+ "from 3 of 4 shards (%d of %d rows), slowest %d ms (fan-out timeout %d ms), 2 faults injected, "
				+ "complete again after the restart, rows lost = 0%n", QUERIES, healthy.size(), all.size(),
				TimeUnit.NANOSECONDS.toMillis(slowest), FAN_OUT_TIMEOUT.toMillis());
	}

	private static Set<Long> ids(PartialResult<List<WeatherLocation>> answer) {
		Set<Long> ids = new HashSet<>();
		answer.value().forEach((location) -> ids.add(location.getId()));
		return ids;
	}

}
