package io.shardwise.autoconfigure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.shardwise.id.NodeLease;
import io.shardwise.id.NodeLeaseException;
import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances started from one configuration lease distinct id nodes from the shard with
 * the lowest index, so their ids never collide.
 */
class NodeLeaseAutoConfigurationTest {

	private static final int IDS_PER_INSTANCE = 100_000;

	private final String urlA = ShardwiseTestSupport.h2Url("lease-a");

	private final String urlB = ShardwiseTestSupport.h2Url("lease-b");

	private ApplicationContextRunner instance(String... more) {
		return ShardwiseTestSupport.runner()
			.withPropertyValues("shardwise.shards.a.url=" + this.urlA, "shardwise.shards.b.url=" + this.urlB)
			.withPropertyValues(more);
	}

	@Test
	void twoInstancesWithIdenticalConfigurationGenerateNoDuplicateIds() {
		instance().run((first) -> instance().run((second) -> {
			Shards firstShards = first.getBean(Shards.class);
			Shards secondShards = second.getBean(Shards.class);
			assertThat(firstShards.nodeLease().node()).isNotEqualTo(secondShards.nodeLease().node());
			assertThat(ShardwiseTestSupport.hasTable(firstShards.get("a").dataSource(), NodeLease.TABLE)).isTrue();
			// Both generate ids for the same shard at the same time.
			ExecutorService threads = Executors.newFixedThreadPool(2);
			try {
				Future<long[]> firstIds = threads.submit(generate(firstShards.get("b")));
				Future<long[]> secondIds = threads.submit(generate(secondShards.get("b")));
				Set<Long> all = new HashSet<>();
				int duplicates = 0;
				for (long[] ids : List.of(firstIds.get(), secondIds.get())) {
					for (long id : ids) {
						if (!all.add(id)) {
							duplicates++;
						}
					}
				}
				assertThat(duplicates).isZero();
				assertThat(all).hasSize(2 * IDS_PER_INSTANCE);
			}
			finally {
				threads.shutdownNow();
			}
		}));
	}

	@Test
	void twoInstancesConfiguredWithTheSameNodeAreRefused() {
		instance("shardwise.id.node=7").run((first) -> {
			assertThat(first).hasNotFailed();
			assertThat(first.getBean(Shards.class).nodeLease().node()).isEqualTo(7);
			instance("shardwise.id.node=7").run((second) -> {
				assertThat(second).hasFailed();
				assertThat(ShardwiseTestSupport.causeChain(second.getStartupFailure()))
					.anySatisfy((ex) -> assertThat(ex).isInstanceOf(NodeLeaseException.class)
						.hasMessageContaining("shardwise.id.node=7 is in use by another running instance"));
			});
		});
	}

	@Test
	void aStoppedInstanceReleasesItsNode() {
		instance().run((first) -> assertThat(first.getBean(Shards.class).nodeLease().node()).isZero());
		instance().run((again) -> assertThat(again.getBean(Shards.class).nodeLease().node()).isZero());
	}

	@Test
	void afterADegradedStartWithoutTheLeaseShardOnlyAConfiguredNodeStarts() {
		// IFEXISTS: the lease shard's database does not exist, so it cannot be reached.
		ApplicationContextRunner leaseShardDown = ShardwiseTestSupport.runner()
			.withPropertyValues("shardwise.shards.a.url=" + this.urlA + ";IFEXISTS=TRUE",
					"shardwise.shards.b.url=" + this.urlB, "shardwise.startup.on-shard-unavailable=degraded");
		leaseShardDown.withPropertyValues("shardwise.id.node=3").run((context) -> {
			assertThat(context).hasNotFailed();
			Shards shards = context.getBean(Shards.class);
			assertThat(shards.availability().outOfService()).containsOnlyKeys("a");
			assertThat(shards.nodeLease().node()).isEqualTo(3);
			assertThat(shards.get("b").nextId()).isPositive();
		});
		leaseShardDown.run((context) -> assertThat(ShardwiseTestSupport.causeChain(context.getStartupFailure()))
			.anySatisfy((ex) -> assertThat(ex).isInstanceOf(NodeLeaseException.class)
				.hasMessageContaining("shard 'a' holds the lease table")
				.hasMessageContaining("set shardwise.id.node")));
	}

	private static Callable<long[]> generate(Shard shard) {
		return () -> {
			long[] ids = new long[IDS_PER_INSTANCE];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = shard.nextId();
			}
			return ids;
		};
	}

}
