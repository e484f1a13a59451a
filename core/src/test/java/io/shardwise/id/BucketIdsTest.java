package io.shardwise.id;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The bucket layout of {@link ShardIds}, next to the shard layout it must not disturb.
 */
class BucketIdsTest {

	@Test
	void bucketIdsNameTheirBucketAndNoShard() {
		ShardIds ids = new ShardIds(5, 9);
		for (int bucket = 0; bucket < ShardIds.MAX_BUCKETS; bucket++) {
			long id = ids.next(bucket % 5, bucket);
			assertThat(ShardIds.bucketOf(id)).as("bucket %d", bucket).isEqualTo(bucket);
			assertThat(ShardIds.shardIndexOf(id)).as("bucket %d", bucket).isEqualTo(-1);
			assertThat(id & 63).as("node bits").isEqualTo(9);
			assertThat(id).isPositive();
		}
	}

	@Test
	void idsOfTheShardLayoutStillDecodeAndNameNoBucket() {
		ShardIds ids = new ShardIds(256, 3);
		for (int shard = 0; shard < 256; shard++) {
			long id = ids.next(shard);
			assertThat(ShardIds.shardIndexOf(id)).isEqualTo(shard);
			assertThat(ShardIds.bucketOf(id)).isEqualTo(-1);
			assertThat(id >>> 62).as("version bit of the shard layout").isZero();
		}
		// An id of the shard layout written before this layout existed (shard 2, node 1, 2026).
		long legacy = (((java.time.Instant.parse("2026-03-01T00:00:00Z").toEpochMilli() - ShardIds.EPOCH_MILLIS)) << 22)
				| (2L << 14) | (1L << 8) | 17;
		assertThat(ShardIds.shardIndexOf(legacy)).isEqualTo(2);
		assertThat(ShardIds.bucketOf(legacy)).isEqualTo(-1);
	}

	@Test
	void foreignValuesAreNeitherLayout() {
		for (long value : new long[] { 0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, -(1L << 62) - 5,
				(1L << 62), (1L << 62) + 1 }) {
			assertThat(ShardIds.bucketOf(value)).as("value %d", value).isEqualTo(-1);
			assertThat(ShardIds.shardIndexOf(value)).as("value %d", value).isEqualTo(-1);
		}
	}

	@Test
	void idsOfOneShardIncreaseAcrossBucketsAndStayUniqueWhenABucketChangesShard() {
		ShardIds ids = new ShardIds(2, 0);
		Set<Long> seen = new HashSet<>();
		long previous = 0;
		for (int i = 0; i < 20_000; i++) {
			long id = ids.next(0, i % 1024);
			assertThat(id).isGreaterThan(previous);
			assertThat(seen.add(id)).isTrue();
			previous = id;
		}
		// Bucket 7 moves from shard 0 to shard 1: after joining the sequences, its new ids
		// on shard 1 never repeat those drawn on shard 0.
		ids.joinSequences();
		for (int i = 0; i < 20_000; i++) {
			assertThat(seen.add(ids.next(1, 7))).isTrue();
		}
	}

	@Test
	void theTwoLayoutsShareOneIncreasingSequencePerShard() {
		ShardIds ids = new ShardIds(1, 0);
		Set<Long> seen = new HashSet<>();
		for (int i = 0; i < 5_000; i++) {
			assertThat(seen.add(ids.next(0))).isTrue();
			assertThat(seen.add(ids.next(0, 3))).isTrue();
		}
	}

	@Test
	void entitiesPlacedByBucketsGetBucketIds() {
		ShardIds ids = new ShardIds(2, 0);
		assertThat(ShardIds.bucketOf(ids.nextFor(1, "anything"))).isEqualTo(-1);
		ids.encodeBuckets((entity) -> "placed".equals(entity) ? 77 : -1);
		assertThat(ShardIds.bucketOf(ids.nextFor(1, "placed"))).isEqualTo(77);
		assertThat(ShardIds.shardIndexOf(ids.nextFor(1, "other"))).isEqualTo(1);
	}

	@Test
	void bucketsBeyondTheLayoutAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardIds(1, 0).next(0, ShardIds.MAX_BUCKETS))
			.withMessageContaining("Bucket must be between 0 and 1023");
	}

}
