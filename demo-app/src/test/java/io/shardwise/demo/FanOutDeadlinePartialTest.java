package io.shardwise.demo;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.shardwise.fanout.PartialResult;
import io.shardwise.jdbc.Aggregation;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under {@code on-shard-failure=partial}, a shard that misses the fan-out deadline is left
 * out: the other shards' results come back and {@link PartialResult#capture} names it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
		"shardwise.shards[north_america].url=jdbc:h2:mem:dl_partial_north_america;DB_CLOSE_DELAY=-1",
		"shardwise.shards[asia].url=jdbc:h2:mem:dl_partial_asia;DB_CLOSE_DELAY=-1",
		"shardwise.shards[europe].url=jdbc:h2:mem:dl_partial_europe;DB_CLOSE_DELAY=-1",
		"shardwise.shards[south_america].url=jdbc:h2:mem:dl_partial_south_america;DB_CLOSE_DELAY=-1",
		"shardwise.migration.locations=classpath:db/migration,classpath:db/testmigration",
		"shardwise.fan-out.timeout=300ms", "shardwise.fan-out.on-shard-failure=partial",
		// SeedData\'s count() at startup could miss the short deadline on a cold, busy machine.
		"spring.main.allow-bean-definition-overriding=true" })
@Import(NoSeedData.class)
class FanOutDeadlinePartialTest extends SlowShardTestBase {

	FanOutDeadlinePartialTest() {
		super("dl_partial");
	}

	@Test
	void repositoryCallLeavesTheSlowShardOut() throws SQLException {
		SlowShards.delay(this.databases, "europe", SlowShards.SLOW_MS);
		PartialResult<List<Measurement>> result = PartialResult.capture(() -> this.queries.findAllAfterShardDelay());
		assertThat(result.missingShards()).containsExactly("europe");
		assertThat(result.isComplete()).isFalse();
		assertThat(result.value()).extracting(Measurement::getId)
			.containsExactlyInAnyOrderElementsOf(idsOutside("Europe"));
	}

	@Test
	void shardedJdbcTemplateAggregateLeavesTheSlowShardOut() throws SQLException {
		SlowShards.delay(this.databases, "europe", SlowShards.SLOW_MS);
		PartialResult<List<Map<String, Object>>> result = PartialResult.capture(() -> this.sharded.onAllShards()
			.aggregate("select region, count(*) as n from measurements where (select slow_down(ms) from shard_delay) "
					+ "is null group by region", Aggregation.groupBy("region").count("n")));
		assertThat(result.missingShards()).containsExactly("europe");
		assertThat(result.value()).extracting((row) -> row.get("region"))
			.containsExactly("Asia", "North America", "South America");
		assertThat(result.value()).extracting((row) -> row.get("n")).containsOnly(2L);
	}

	@Test
	void resultIsCompleteWhenNoShardIsSlow() {
		PartialResult<List<Measurement>> result = SlowShards
			.completeWhenHealthy(() -> this.queries.findAllAfterShardDelay());
		assertThat(result.isComplete()).isTrue();
		assertThat(result.missingShards()).isEmpty();
		assertThat(result.value()).hasSize(this.rows.size());
	}

	private List<Long> idsOutside(String region) {
		return this.rows.stream().filter((m) -> !m.getRegion().equals(region)).map(Measurement::getId).toList();
	}

}
