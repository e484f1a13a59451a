package io.shardwise.strategy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HashShardStrategyTest {

	private static final List<String> SHARDS = List.of("a", "b", "c", "d");

	@Test
	void murmur3MatchesPublishedTestVectors() {
		assertThat(murmur3("")).isEqualTo(0);
		assertThat(murmur3("hello")).isEqualTo(0x248bfa47).isEqualTo(613153351);
		assertThat(murmur3("Hello, world!")).isEqualTo(0xc0363e43);
		assertThat(murmur3("The quick brown fox jumps over the lazy dog")).isEqualTo(0x2e4ff723);
	}

	@Test
	void murmur3CoversEveryTailLength() {
		// Lengths 1, 2, 3 and 4 exercise each tail case and one full block.
		assertThat(murmur3("a")).isEqualTo(0x3c2569b2);
		assertThat(murmur3("ab")).isEqualTo(0x9bbfd75f);
		assertThat(murmur3("abc")).isEqualTo(0xb3dd93fa);
		assertThat(murmur3("abcd")).isEqualTo(0x43ed676a);
	}

	@Test
	void murmur3AgreesWithReferenceImplementation() {
		Random random = new Random(42);
		for (int i = 0; i < 2000; i++) {
			byte[] data = new byte[random.nextInt(40)];
			random.nextBytes(data);
			assertThat(HashShardStrategy.murmur3(data)).as("bytes of length %d", data.length)
				.isEqualTo(referenceMurmur3(data, 0));
		}
		String unicode = "ünïcödé €";
		assertThat(murmur3(unicode)).isEqualTo(0x7ac91e07)
			.isEqualTo(referenceMurmur3(unicode.getBytes(StandardCharsets.UTF_8), 0));
	}

	@Test
	void referenceImplementationMatchesSeededVector() {
		// Guards the reference itself against a published vector with a non-zero seed.
		assertThat(referenceMurmur3("aaaa".getBytes(StandardCharsets.UTF_8), 0x9747b28c)).isEqualTo(0x5a97808a);
	}

	@Test
	void sameKeyLandsInSameBucketAcrossInstances() {
		HashShardStrategy first = HashShardStrategy.evenlySpread(1024, SHARDS);
		HashShardStrategy second = HashShardStrategy.evenlySpread(1024, SHARDS);
		for (Object key : List.of("alice", "bob", 42, 42L, "", "ünïcödé")) {
			assertThat(second.bucketOf(key)).isEqualTo(first.bucketOf(key));
			assertThat(second.shardFor(key)).isEqualTo(first.shardFor(key));
		}
	}

	@Test
	void bucketIsHashModuloBucketCount() {
		HashShardStrategy strategy = HashShardStrategy.evenlySpread(1024, SHARDS);
		// 0x248bfa47 mod 1024 = 0x247
		assertThat(strategy.bucketOf("hello")).isEqualTo(0x247);
		// Negative hashes wrap into range: 0xc0363e43 is negative as an int.
		assertThat(strategy.bucketOf("Hello, world!")).isEqualTo(Math.floorMod(0xc0363e43, 1024));
		// Keys hash by toString(), so 42 and "42" share a bucket.
		assertThat(strategy.bucketOf(42)).isEqualTo(strategy.bucketOf("42"));
	}

	@Test
	void evenlySpreadAssignsContiguousEqualBlocks() {
		HashShardStrategy strategy = HashShardStrategy.evenlySpread(1024, SHARDS);
		List<String> byBucket = strategy.getShardByBucket();
		assertThat(strategy.getBucketCount()).isEqualTo(1024);
		assertThat(byBucket).hasSize(1024);
		for (int i = 0; i < 4; i++) {
			String expected = SHARDS.get(i);
			assertThat(byBucket.subList(i * 256, (i + 1) * 256)).as("block %d", i).containsOnly(expected);
		}
	}

	@Test
	void evenlySpreadRejectsFewerBucketsThanShards() {
		assertThatIllegalArgumentException().isThrownBy(() -> HashShardStrategy.evenlySpread(3, SHARDS));
	}

	@Test
	void emptyBucketListIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HashShardStrategy(List.of()));
	}

	@Test
	void randomKeysSpreadRoughlyEvenly() {
		HashShardStrategy strategy = HashShardStrategy.evenlySpread(1024, SHARDS);
		Random random = new Random(7);
		Map<String, Integer> counts = new HashMap<>();
		int total = 10_000;
		for (int i = 0; i < total; i++) {
			counts.merge(strategy.shardFor("user-" + random.nextLong()), 1, Integer::sum);
		}
		assertThat(counts).containsOnlyKeys(SHARDS);
		counts.forEach((shard, count) -> assertThat(count).as("keys on shard %s", shard)
			.isBetween(total * 20 / 100, total * 30 / 100));
	}

	@Test
	void bucketOfIsAlwaysInRange() {
		HashShardStrategy strategy = HashShardStrategy.evenlySpread(7, List.of("a", "b"));
		Random random = new Random(3);
		IntStream.range(0, 5000).forEach((i) -> {
			Object key = (i % 2 == 0) ? random.nextInt() : "k" + random.nextLong();
			assertThat(strategy.bucketOf(key)).isBetween(0, 6);
		});
	}

	@Test
	void explicitBucketListIsHonoured() {
		HashShardStrategy strategy = new HashShardStrategy(List.of("x", "y", "x", "z"));
		assertThat(strategy.getBucketCount()).isEqualTo(4);
		assertThat(strategy.getShardByBucket()).containsExactly("x", "y", "x", "z");
		Random random = new Random(11);
		for (int i = 0; i < 1000; i++) {
			String key = "key-" + random.nextInt();
			assertThat(strategy.shardFor(key)).isEqualTo(strategy.getShardByBucket().get(strategy.bucketOf(key)));
		}
		// 0x248bfa47 mod 4 = 3 -> "z"
		assertThat(strategy.bucketOf("hello")).isEqualTo(3);
		assertThat(strategy.shardFor("hello")).isEqualTo("z");
	}

	private static int murmur3(String value) {
		return HashShardStrategy.murmur3(value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * MurmurHash3 x86_32 written from the reference C code, independently of the class
	 * under test: blocks read as little-endian ints, tail assembled in a loop.
	 */
	private static int referenceMurmur3(byte[] data, int seed) {
		ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		long h = seed & 0xffffffffL;
		while (buffer.remaining() >= 4) {
			h = mixH(h, mixK(buffer.getInt() & 0xffffffffL));
		}
		long tail = 0;
		int shift = 0;
		while (buffer.hasRemaining()) {
			tail |= (buffer.get() & 0xffL) << shift;
			shift += 8;
		}
		if (shift > 0) {
			h ^= mixK(tail);
		}
		h ^= data.length;
		h ^= h >>> 16;
		h = (h * 0x85ebca6bL) & 0xffffffffL;
		h ^= h >>> 13;
		h = (h * 0xc2b2ae35L) & 0xffffffffL;
		h ^= h >>> 16;
		return (int) h;
	}

	private static long mixK(long k) {
		k = (k * 0xcc9e2d51L) & 0xffffffffL;
		k = rotl(k, 15);
		return (k * 0x1b873593L) & 0xffffffffL;
	}

	private static long mixH(long h, long k) {
		h ^= k;
		h = rotl(h, 13);
		return (h * 5 + 0xe6546b64L) & 0xffffffffL;
	}

	private static long rotl(long x, int r) {
		return ((x << r) | (x >>> (32 - r))) & 0xffffffffL;
	}

}
