package io.shardwise.autoconfigure.metrics;

import java.util.UUID;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardwise.ShardTemplate;
import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationAutoConfiguration;
import io.shardwise.autoconfigure.observation.CompositeShardCallObserver;
import io.shardwise.autoconfigure.observation.ShardwiseObservationAutoConfiguration;
import io.shardwise.fanout.PartialResult;
import io.shardwise.fanout.ShardFanOutException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Shardwise's metrics in Spring Boot's own meter registry, after known calls on real H2
 * shards.
 */
class ShardwiseMetricsTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class,
				ShardwiseAutoConfiguration.class, ShardwiseObservationAutoConfiguration.class,
				ShardwiseMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
		.withPropertyValues("shardwise.shards.south.url=" + h2Url("south"),
				"shardwise.shards.south.pool.maximum-pool-size=2", "shardwise.shards.north.url=" + h2Url("north"),
				"shardwise.shards.north.pool.maximum-pool-size=3");

	@Test
	void timesEveryShardCallByShardKindAndOutcome() {
		this.runner.run((context) -> {
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
			MeterRegistry registry = context.getBean(MeterRegistry.class);

			shards.onShard("south", (shard) -> jdbc.queryForObject("select count(*) from items", Integer.class));
			shards.onShard("south", (shard) -> jdbc.queryForObject("select count(*) from items", Integer.class));
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> shards.onShard("north", (shard) -> {
				throw new IllegalStateException("boom");
			}));
			shards.onAllShards((shard) -> jdbc.queryForObject("select count(*) from items", Integer.class));

			assertThat(calls(registry, "south", "routed", "success")).isEqualTo(2);
			assertThat(calls(registry, "north", "routed", "error")).isEqualTo(1);
			assertThat(calls(registry, "south", "fan-out", "success")).isEqualTo(1);
			assertThat(calls(registry, "north", "fan-out", "success")).isEqualTo(1);
			assertThat(registry.find("shardwise.calls").timers()).hasSize(4);
			DistributionSummary width = registry.get("shardwise.fan-out.width").tag("kind", "fan-out").summary();
			assertThat(width.count()).isEqualTo(1);
			assertThat(width.totalAmount()).isEqualTo(2);
		});
	}

	@Test
	void countsPartialResultsAndTheShardsMissingFromThem() {
		this.runner.withPropertyValues("shardwise.fan-out.on-shard-failure=partial").run((context) -> {
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			PartialResult<?> result = PartialResult.capture(() -> shards.onAllShards((shard) -> {
				if (shard.equals("north")) {
					throw new IllegalStateException("north is down");
				}
				return 1;
			}));
			assertThat(result.missingShards()).containsExactly("north");
			assertThat(registry.get("shardwise.fan-out.partial-results").counter().count()).isEqualTo(1);
			assertThat(registry.get("shardwise.fan-out.failed-shards").tag("shard", "north").counter().count())
				.isEqualTo(1);
			assertThat(calls(registry, "north", "fan-out", "error")).isEqualTo(1);
			assertThat(calls(registry, "south", "fan-out", "success")).isEqualTo(1);
		});
	}

	@Test
	void failedFanOutsAreTimedAsErrors() {
		this.runner.run((context) -> {
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThatExceptionOfType(ShardFanOutException.class).isThrownBy(() -> shards.onAllShards((shard) -> {
				throw new IllegalStateException(shard + " is down");
			}));
			assertThat(registry.find("shardwise.calls").tag("outcome", "error").timers()).isNotEmpty();
			assertThat(registry.find("shardwise.fan-out.partial-results").counter()).isNull();
		});
	}

	@Test
	void errorsOfTheCallItselfAreNotCountedAsShardErrors() {
		this.runner.withPropertyValues("shardwise.fan-out.on-shard-failure=partial").run((context) -> {
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			InvalidDataAccessApiUsageException badArgument = new InvalidDataAccessApiUsageException("bad argument");
			assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
				.isThrownBy(() -> shards.onAllShards((shard) -> {
					throw badArgument;
				}))
				.isSameAs(badArgument);
			assertThat(registry.find("shardwise.calls").tag("outcome", "call-error").timers()).isNotEmpty();
			assertThat(registry.find("shardwise.calls").tag("outcome", "error").timers()).isEmpty();
			assertThat(registry.find("shardwise.fan-out.partial-results").counter()).isNull();
		});
	}

	@Test
	void bindsEachShardPoolsHikariMetricsTaggedWithTheShard() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("hikaricp.connections.max")
				.tags("pool", "shardwise-south", "shard", "south")
				.gauge()
				.value()).isEqualTo(2);
			assertThat(registry.get("hikaricp.connections.max")
				.tags("pool", "shardwise-north", "shard", "north")
				.gauge()
				.value()).isEqualTo(3);
			assertThat(registry.find("hikaricp.connections.active").tag("shard", "north").gauge()).isNotNull();
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("shardwise.metrics.enabled=false", "shardwise.metrics.pools=false")
			.run((context) -> {
				assertThat(context.getBean(CompositeShardCallObserver.class).getParts())
					.noneMatch(ShardCallMetrics.class::isInstance);
				assertThat(context).doesNotHaveBean(ShardPoolMetrics.class);
				assertThat(context.getBean(MeterRegistry.class).find("hikaricp.connections.max").gauges()).isEmpty();
			});
	}

	private static long calls(MeterRegistry registry, String shard, String kind, String outcome) {
		return registry.get("shardwise.calls").tags("shard", shard, "kind", kind, "outcome", outcome).timer().count();
	}

	private static String h2Url(String name) {
		return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

}
