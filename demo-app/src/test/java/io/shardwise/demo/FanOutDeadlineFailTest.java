package io.shardwise.demo;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.shardwise.fanout.ShardFanOutException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Under {@code on-shard-failure=fail}, a shard that misses the fan-out deadline fails the
 * whole call with a {@link ShardFanOutException} naming it, and the next call is fine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
		"shardwise.shards[north_america].url=jdbc:h2:mem:dl_fail_north_america;DB_CLOSE_DELAY=-1",
		"shardwise.shards[asia].url=jdbc:h2:mem:dl_fail_asia;DB_CLOSE_DELAY=-1",
		"shardwise.shards[europe].url=jdbc:h2:mem:dl_fail_europe;DB_CLOSE_DELAY=-1",
		"shardwise.shards[south_america].url=jdbc:h2:mem:dl_fail_south_america;DB_CLOSE_DELAY=-1",
		"shardwise.migration.locations=classpath:db/migration,classpath:db/testmigration",
		"shardwise.fan-out.timeout=300ms", "shardwise.fan-out.on-shard-failure=fail",
		// SeedData\'s count() at startup could miss the short deadline on a cold, busy machine.
		"spring.main.allow-bean-definition-overriding=true" })
@Import(NoSeedData.class)
class FanOutDeadlineFailTest extends SlowShardTestBase {

	FanOutDeadlineFailTest() {
		super("dl_fail");
	}

	@Test
	void repositoryCallFailsNamingTheSlowShard() throws SQLException {
		SlowShards.delay(this.databases, "europe", SlowShards.SLOW_MS);
		ShardFanOutException failure = catchThrowableOfType(ShardFanOutException.class,
				() -> this.queries.findAllAfterShardDelay());
		assertSlowEuropeFailed(failure);
		SlowShards.delay(this.databases, "europe", 0);
		assertThat(SlowShards.whenHealthy(() -> this.queries.findAllAfterShardDelay())).extracting(Measurement::getId)
			.containsExactlyInAnyOrderElementsOf(this.rows.stream().map(Measurement::getId).toList());
	}

	@Test
	void shardedJdbcTemplateQueryFailsNamingTheSlowShard() throws SQLException {
		SlowShards.delay(this.databases, "europe", SlowShards.SLOW_MS);
		ShardFanOutException failure = catchThrowableOfType(ShardFanOutException.class,
				() -> this.sharded.onAllShards().query(SlowShards.SLOW_SQL, (rs, row) -> rs.getLong(1)));
		assertSlowEuropeFailed(failure);
		SlowShards.delay(this.databases, "europe", 0);
		assertThat(SlowShards.whenHealthy(
				() -> this.sharded.onAllShards().query(SlowShards.SLOW_SQL, (rs, row) -> rs.getLong(1))))
			.hasSize(this.rows.size());
	}

	@Test
	void shardedJdbcTemplateQueryOfOneShardHonoursTheDeadline() throws SQLException {
		SlowShards.delay(this.databases, "europe", SlowShards.SLOW_MS);
		ShardFanOutException failure = catchThrowableOfType(ShardFanOutException.class,
				() -> this.sharded.onShardsOf(List.of("Europe"))
					.query(SlowShards.SLOW_SQL, (rs, row) -> rs.getLong(1)));
		assertSlowEuropeFailed(failure);
	}

	private static void assertSlowEuropeFailed(ShardFanOutException failure) {
		assertThat(failure).as("ShardFanOutException").isNotNull();
		assertThat(failure).hasMessageContaining("'europe'");
		assertThat(failure.getFailures()).containsOnlyKeys("europe");
		assertThat(failure.getFailures().get("europe")).isInstanceOf(TimeoutException.class);
	}

}
