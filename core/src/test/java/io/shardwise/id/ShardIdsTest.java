package io.shardwise.id;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ShardIdsTest {

	private static final int TIME_SHIFT = 22;

	private static final int SHARD_SHIFT = 14;

	@Test
	void concurrentIdsOnOneShardAreUniqueAndIncreasingPerThread() throws Exception {
		ShardIds ids = new ShardIds(4, 3);
		int threads = 8;
		int perThread = 50_000;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<long[]>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(executor.submit(() -> {
					start.await();
					long[] generated = new long[perThread];
					for (int i = 0; i < perThread; i++) {
						generated[i] = ids.next(2);
					}
					return generated;
				}));
			}
			start.countDown();
			long[] all = new long[threads * perThread];
			int offset = 0;
			for (Future<long[]> future : futures) {
				long[] generated = future.get(5, TimeUnit.MINUTES);
				for (int i = 1; i < generated.length; i++) {
					assertThat(generated[i]).as("id %d of a thread", i).isGreaterThan(generated[i - 1]);
				}
				System.arraycopy(generated, 0, all, offset, generated.length);
				offset += generated.length;
			}
			Arrays.sort(all);
			for (int i = 1; i < all.length; i++) {
				assertThat(all[i]).as("sorted id %d", i).isNotEqualTo(all[i - 1]);
			}
			assertThat(Arrays.stream(all).allMatch((id) -> ShardIds.shardIndexOf(id) == 2)).isTrue();
			assertThat(Arrays.stream(all).allMatch((id) -> ((id >>> 8) & 63) == 3)).isTrue();
		}
		finally {
			executor.shutdownNow();
			assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
		}
	}

	@Test
	void idsOfDifferentShardsAndNodesNeverCollide() {
		ShardIds node0 = new ShardIds(3, 0);
		ShardIds node1 = new ShardIds(3, 1);
		Set<Long> seen = new HashSet<>();
		int perSource = 5_000;
		for (int i = 0; i < perSource; i++) {
			for (int shard = 0; shard < 3; shard++) {
				seen.add(node0.next(shard));
				seen.add(node1.next(shard));
			}
		}
		assertThat(seen).hasSize(perSource * 3 * 2);
	}

	@Test
	void sameInstantOnDifferentShardsYieldsDifferentIds() {
		ShardIds ids = new ShardIds(2, 0);
		long a = ids.next(0);
		long b = ids.next(1);
		assertThat(a).isNotEqualTo(b);
		assertThat(ShardIds.shardIndexOf(a)).isZero();
		assertThat(ShardIds.shardIndexOf(b)).isOne();
	}

	@Test
	void shardIndexOfDecodesEveryShardIndex() {
		ShardIds ids = new ShardIds(ShardIds.MAX_SHARDS, ShardIds.MAX_NODES - 1);
		for (int i = 0; i < ShardIds.MAX_SHARDS; i++) {
			long id = ids.next(i);
			assertThat(id).isPositive();
			assertThat(ShardIds.shardIndexOf(id)).as("shard %d", i).isEqualTo(i);
		}
	}

	@Test
	void valuesThatAreNotIdsDecodeToMinusOne() {
		assertThat(ShardIds.shardIndexOf(0)).isEqualTo(-1);
		assertThat(ShardIds.shardIndexOf(-1)).isEqualTo(-1);
		assertThat(ShardIds.shardIndexOf(Long.MIN_VALUE)).isEqualTo(-1);
		assertThat(ShardIds.shardIndexOf(-new ShardIds(2, 0).next(1))).isEqualTo(-1);
		for (long small = 1; small <= 1000; small++) {
			assertThat(ShardIds.shardIndexOf(small)).as("id %d", small).isEqualTo(-1);
		}
		assertThat(ShardIds.shardIndexOf(Long.MAX_VALUE)).isEqualTo(-1);
	}

	@Test
	void idFromTheFarFutureDecodesToMinusOne() {
		long nowMillis = System.currentTimeMillis() - ShardIds.EPOCH_MILLIS;
		long inFiveYears = nowMillis + Duration.ofDays(5 * 365).toMillis();
		long inTwoDays = nowMillis + Duration.ofDays(2).toMillis();
		assertThat(ShardIds.shardIndexOf(idAt(inFiveYears, 1))).isEqualTo(-1);
		assertThat(ShardIds.shardIndexOf(idAt(inTwoDays, 1))).isEqualTo(-1);
	}

	@Test
	void idSlightlyAheadOrInThePastDecodes() {
		long nowMillis = System.currentTimeMillis() - ShardIds.EPOCH_MILLIS;
		assertThat(ShardIds.shardIndexOf(idAt(nowMillis + Duration.ofHours(1).toMillis(), 7))).isEqualTo(7);
		assertThat(ShardIds.shardIndexOf(idAt(nowMillis - Duration.ofDays(30).toMillis(), 200))).isEqualTo(200);
	}

	@Test
	void foreignValuesAcrossTheWholeRangeAreNeverTakenForIds() {
		long[] foreign = { 1, 42, (1L << 22) + 1, 1_000_000_000L, 1_000_000_000_000L, 123_456_789_012_345L,
				1L << 56, Long.MAX_VALUE - 1, Long.MAX_VALUE, -1, -((1L << 22) + 1), Long.MIN_VALUE };
		for (long value : foreign) {
			assertThat(ShardIds.shardIndexOf(value)).as("value %d", value).isEqualTo(-1);
		}
		// A timestamp just before the start of trusted ids is foreign, just after it is an id.
		long validFrom = ShardIds.DEFAULT_VALID_FROM.toEpochMilli() - ShardIds.EPOCH_MILLIS;
		assertThat(ShardIds.shardIndexOf(idAt(validFrom - 1, 3))).isEqualTo(-1);
		assertThat(ShardIds.shardIndexOf(idAt(validFrom, 3))).isEqualTo(3);
		long later = System.currentTimeMillis() - Duration.ofDays(1).toMillis();
		assertThat(ShardIds.shardIndexOf(idAt(validFrom, 3), later)).isEqualTo(-1);
		assertThat(ShardIds.shardIndexOf(new ShardIds(8, 5).next(4), later)).isEqualTo(4);
	}

	@Test
	void constructorRejectsOutOfRangeNodeAndShardCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardIds(1, 64)).withMessageContaining("64");
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardIds(1, -1)).withMessageContaining("-1");
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardIds(0, 0)).withMessageContaining("0");
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardIds(257, 0)).withMessageContaining("257");
	}

	@Test
	void constructorAcceptsLimits() {
		assertThat(new ShardIds(256, 63).next(255)).isPositive();
		assertThat(new ShardIds(1, 0).next(0)).isPositive();
	}

	private static long idAt(long millis, int shardIndex) {
		return (millis << TIME_SHIFT) | ((long) shardIndex << SHARD_SHIFT) | 1;
	}

}
