package io.shardwise.autoconfigure;

import java.util.List;

import io.shardwise.placement.BucketOwnership;
import io.shardwise.placement.Placement;
import io.shardwise.placement.PlacementMismatchException;
import io.shardwise.placement.PlacementStore;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.shardwise.autoconfigure.ShardwiseTestSupport.allMessages;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.h2Url;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.invalidProperty;
import static org.assertj.core.api.Assertions.assertThat;

class ShardwisePlacementAutoConfigurationTest {

	private final ApplicationContextRunner runner = ShardwiseTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(ShardwisePlacementAutoConfiguration.class));

	private final String a = h2Url("placement-a");

	private final String b = h2Url("placement-b");

	private String[] properties(String... more) {
		List<String> all = new java.util.ArrayList<>(List.of("shardwise.shards.a.url=" + this.a,
				"shardwise.shards.b.url=" + this.b, "shardwise.strategies.h.type=hash",
				"shardwise.strategies.h.buckets=8", "shardwise.placement.strategy=h",
				"shardwise.placement.refresh-interval=0s"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Test
	void firstStartSeedsTheMapAndEveryShardsOwnershipOnTheFirstShard() {
		this.runner.withPropertyValues(properties()).run((context) -> {
			assertThat(context).hasNotFailed();
			Placement placement = context.getBean(Placement.class);
			assertThat(placement.version()).isEqualTo(1);
			Shards shards = context.getBean(Shards.class);
			JdbcTemplate metadata = new JdbcTemplate(shards.get("a").dataSource());
			assertThat(metadata.queryForList("select shard from " + PlacementStore.MAP + " order by bucket", String.class))
				.containsExactly("a", "a", "a", "a", "b", "b", "b", "b");
			assertThat(BucketOwnership.states(shards.get("a")).keySet()).containsExactlyInAnyOrder(0, 1, 2, 3);
			assertThat(BucketOwnership.states(shards.get("b")).keySet()).containsExactlyInAnyOrder(4, 5, 6, 7);
		});
	}

	@Test
	void restartWithTheSameConfigurationRoutesByTheStoredVersion() {
		this.runner.withPropertyValues(properties()).run((context) -> {
			Placement placement = context.getBean(Placement.class);
			placement.reassign(java.util.Map.of(0, "b"));
			assertThat(placement.version()).isEqualTo(2);
		});
		// The stored map now gives bucket 0 to b: configuration saying so starts.
		this.runner.withPropertyValues(properties("shardwise.strategies.h.bucket-shards.[0]=b",
				"shardwise.strategies.h.bucket-shards.[1-3]=a", "shardwise.strategies.h.bucket-shards.[4-7]=b"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Placement.class).version()).isEqualTo(2);
				assertThat(context.getBean(ShardRouter.class).strategies().get("h")).extracting("version").isEqualTo(2L);
			});
	}

	@Test
	void configurationThatDisagreesWithTheStoredMapFailsStartupShowingBoth() {
		this.runner.withPropertyValues(properties()).run((context) -> context.getBean(Placement.class)
			.reassign(java.util.Map.of(0, "b")));
		this.runner.withPropertyValues(properties()).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(PlacementMismatchException.class);
			assertThat(allMessages(context.getStartupFailure()))
				.contains("Configured shardwise.strategies.h.bucket-shards: {0-3=a, 4-7=b}")
				.contains("stored: {0=b, 1-3=a, 4-7=b}")
				.contains("version 2");
		});
	}

	@Test
	void placementOfAnUnknownOrNonHashStrategyFailsStartup() {
		this.runner.withPropertyValues(properties("shardwise.placement.strategy=nope")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(invalidProperty(context.getStartupFailure()).getName())
				.isEqualTo("shardwise.placement.strategy");
		});
		this.runner.withPropertyValues(properties("shardwise.strategies.h.buckets=2048")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(invalidProperty(context.getStartupFailure()).getName()).isEqualTo("shardwise.strategies.h.buckets");
		});
		this.runner.withPropertyValues(properties("shardwise.placement.metadata-shard=zz")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(invalidProperty(context.getStartupFailure()).getName())
				.isEqualTo("shardwise.placement.metadata-shard");
		});
	}

}
