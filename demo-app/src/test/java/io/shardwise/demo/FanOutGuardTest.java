package io.shardwise.demo;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;

import io.shardwise.routing.ShardRoutingException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With {@code shardwise.fan-out.allowed=false}, repository calls without a shard key are
 * refused before any shard runs, unless annotated {@code @AllowFanOut}; keyed calls work.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
		"shardwise.shards[north_america].url=jdbc:h2:mem:guard_north_america;DB_CLOSE_DELAY=-1",
		"shardwise.shards[asia].url=jdbc:h2:mem:guard_asia;DB_CLOSE_DELAY=-1",
		"shardwise.shards[europe].url=jdbc:h2:mem:guard_europe;DB_CLOSE_DELAY=-1",
		"shardwise.shards[south_america].url=jdbc:h2:mem:guard_south_america;DB_CLOSE_DELAY=-1",
		"shardwise.migration.locations=classpath:db/migration,classpath:db/testmigration",
		"shardwise.fan-out.allowed=false",
		// The demo's SeedData runner counts locations without a key, which this setting
		// forbids; NoSeedData replaces it.
		"spring.main.allow-bean-definition-overriding=true" })
@Import(NoSeedData.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanOutGuardTest {

	private final NamedShardDatabases databases = new NamedShardDatabases("guard");

	@Autowired
	MeasurementQueries queries;

	@Autowired
	MeasurementRepository repository;

	@Autowired
	LocationQueries locationQueries;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	TestOperations operations;

	private List<Measurement> rows;

	@BeforeAll
	void saveRows() {
		this.rows = this.repository.saveAll(List.of(new Measurement("Asia", "Lima", null, 1.0, 1, BigDecimal.ONE),
				new Measurement("Europe", "Lima", null, 2.0, 2, BigDecimal.ONE),
				new Measurement("Europe", "Oslo", null, 3.0, 3, BigDecimal.ONE)));
	}

	@Test
	void aLazyReferenceByAnIdThatNamesNoShardIsRefusedSayingWhatToDo() {
		Long id = 7L;
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.repository.getReferenceById(id))
			.withMessageContaining("getReferenceById(" + id + ") returns a lazy reference")
			.withMessageContaining("it is not a Shardwise id")
			.withMessageContaining("use findById, which looks on every shard");
	}

	@Test
	void unkeyedCallsAreRefusedBeforeAnyShardRuns() throws SQLException {
		this.databases.resetStatistics();
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.queries.countBySeqGreaterThanEqual(0))
			.withMessageContaining("@AllowFanOut")
			.withMessageContaining("shardwise.fan-out.allowed=false")
			.withMessageContaining("countBySeqGreaterThanEqual");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.repository.findAll())
			.withMessageContaining("@AllowFanOut");
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.locationQueries.findByCity("Tokyo"))
			.withMessageContaining("@AllowFanOut");
		assertThat(this.databases.statements("measurements").values()).containsOnly(0L);
		assertThat(this.databases.statements("weather_").values()).containsOnly(0L);
	}

	@Test
	void allowFanOutMethodStillRunsOnEveryShard() {
		assertThat(this.queries.countByCity("Lima")).isEqualTo(2);
		assertThat(this.queries.countByCity("Nowhere")).isZero();
	}

	@Test
	void keyedCallsStillWork() {
		assertThat(this.queries.findByRegionOrderByIdAsc("Europe")).extracting(Measurement::getCity)
			.containsExactly("Lima", "Oslo");
		assertThat(this.repository.findById(this.rows.get(0).getId())).get()
			.extracting(Measurement::getRegion)
			.isEqualTo("Asia");
		WeatherLocation saved = this.locations.save(new WeatherLocation("South America", "Lima"));
		assertThat(this.locations.findByContinentInOrderByIdAsc(List.of("South America", "Asia")))
			.extracting(WeatherLocation::getId)
			.containsExactly(saved.getId());
		assertThat(this.locations.countByContinent("South America")).isEqualTo(1);
		// An unkeyed call inside a keyed service method runs on that method's shard.
		assertThat(this.operations.countOnShardOf("South America")).isEqualTo(1);
	}

}
