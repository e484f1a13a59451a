package io.shardwise.autoconfigure.observation;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.shardwise.ShardTemplate;
import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationAutoConfiguration;
import io.shardwise.fanout.PartialResult;
import io.shardwise.observation.ShardCallObserver;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observations and the logging MDC around routed calls and fan-outs on real H2 shards.
 */
class ShardCallObservationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class,
				ShardwiseAutoConfiguration.class, ShardwiseObservationAutoConfiguration.class))
		.withUserConfiguration(ObservationRegistryConfiguration.class)
		.withPropertyValues("shardwise.shards.south.url=" + h2Url("south"),
				"shardwise.shards.south.pool.maximum-pool-size=2", "shardwise.shards.north.url=" + h2Url("north"),
				"shardwise.shards.north.pool.maximum-pool-size=2");

	@Test
	void installsOneCompositeObserverWithTheMdcAndObservationParts() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ShardCallObserver.class);
			assertThat(context.getBean(CompositeShardCallObserver.class).getParts())
				.hasExactlyElementsOfTypes(MdcShardCallObserver.class, ObservationShardCallObserver.class);
		});
	}

	@Test
	void putsTheShardIntoTheMdcDuringARoutedCall() {
		this.runner.run((context) -> {
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			String inNorth = shards.onShard("north", (shard) -> MDC.get("shard"));
			assertThat(inNorth).isEqualTo("north");
			assertThat(MDC.get("shard")).isNull();
			MDC.put("shard", "outer");
			try {
				String inSouth = shards.onShard("south", (shard) -> MDC.get("shard"));
				assertThat(inSouth).isEqualTo("south");
				assertThat(MDC.get("shard")).isEqualTo("outer");
			}
			finally {
				MDC.remove("shard");
			}
		});
	}

	@Test
	void putsEachShardIntoTheWorkersMdcAndCarriesTheCallersMdcOver() {
		this.runner.run((context) -> {
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			MDC.put("request", "r-42");
			try {
				Map<String, String> seen = shards
					.onAllShards((shard) -> MDC.get("shard") + "/" + MDC.get("request") + "/"
							+ Thread.currentThread().getName().startsWith("shardwise-fanout-"));
				assertThat(seen).containsOnly(Map.entry("south", "south/r-42/true"),
						Map.entry("north", "north/r-42/true"));
			}
			finally {
				MDC.remove("request");
			}
		});
	}

	@Test
	void observesRoutedCallsAndFanOutsWithTheirShardSubCalls() {
		this.runner.run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			List<Observation.Context> stopped = context.getBean(ObservationRegistryConfiguration.class).stopped;
			ShardTemplate shards = context.getBean(ShardTemplate.class);

			shards.onShard("south", (shard) -> 1);
			assertThat(registry).hasSingleObservationThat()
				.hasNameEqualTo("shardwise.call")
				.hasLowCardinalityKeyValue("shard", "south")
				.hasLowCardinalityKeyValue("kind", "routed")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasLowCardinalityKeyValueWithKey("operation")
				.doesNotHaveParentObservation();

			registry.clear();
			stopped.clear();
			shards.onAllShards((shard) -> 1);
			assertThat(registry).hasNumberOfObservationsWithNameEqualTo("shardwise.fan-out", 1)
				.hasNumberOfObservationsWithNameEqualTo("shardwise.call", 2)
				.hasObservationWithNameEqualTo("shardwise.fan-out")
				.that()
				.hasLowCardinalityKeyValue("kind", "fan-out")
				.hasLowCardinalityKeyValue("outcome", "success")
				.hasHighCardinalityKeyValue("shards", "north,south")
				.hasHighCardinalityKeyValue("width", "2");
			Observation.Context fanOut = stopped.stream()
				.filter((observation) -> observation.getName().equals("shardwise.fan-out"))
				.findFirst()
				.orElseThrow();
			List<Observation.Context> calls = stopped.stream()
				.filter((observation) -> observation.getName().equals("shardwise.call"))
				.toList();
			assertThat(calls).extracting((call) -> call.getLowCardinalityKeyValue("shard").getValue())
				.containsExactlyInAnyOrder("south", "north");
			assertThat(calls).allSatisfy((call) -> {
				assertThat(call.getLowCardinalityKeyValue("kind").getValue()).isEqualTo("fan-out");
				assertThat(call.getParentObservation()).isNotNull();
				assertThat(call.getParentObservation().getContextView()).isSameAs(fanOut);
			});
		});
	}

	@Test
	void marksPartialFanOuts() {
		this.runner.withPropertyValues("shardwise.fan-out.on-shard-failure=partial").run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ShardTemplate shards = context.getBean(ShardTemplate.class);
			PartialResult.capture(() -> shards.onAllShards((shard) -> {
				if (shard.equals("north")) {
					throw new IllegalStateException("north is down");
				}
				return 1;
			}));
			assertThat(registry).hasObservationWithNameEqualTo("shardwise.fan-out")
				.that()
				.hasLowCardinalityKeyValue("outcome", "partial")
				.hasHighCardinalityKeyValue("missing.shards", "north");
			assertThat(registry).hasAnObservation((observation) -> observation.hasNameEqualTo("shardwise.call")
				.hasLowCardinalityKeyValue("shard", "north")
				.hasLowCardinalityKeyValue("outcome", "error")
				.hasError());
		});
	}

	@Test
	void mdcAndObservationsCanBeSwitchedOff() {
		this.runner.withPropertyValues("shardwise.logging.mdc.enabled=false", "shardwise.observation.enabled=false")
			.run((context) -> assertThat(context.getBean(CompositeShardCallObserver.class).getParts()).isEmpty());
	}

	@Test
	void anApplicationsOwnObserverReplacesTheComposite() {
		this.runner.withBean("myObserver", ShardCallObserver.class, () -> ShardCallObserver.NONE)
			.run((context) -> assertThat(context).hasSingleBean(ShardCallObserver.class)
				.doesNotHaveBean(CompositeShardCallObserver.class));
	}

	private static String h2Url(String name) {
		return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservationRegistryConfiguration {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Bean
		TestObservationRegistry observationRegistry() {
			TestObservationRegistry registry = TestObservationRegistry.create();
			registry.observationConfig().observationHandler(new ObservationHandler<>() {

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

				@Override
				public void onStop(Observation.Context context) {
					ObservationRegistryConfiguration.this.stopped.add(context);
				}

			});
			return registry;
		}

	}

}
