package io.shardwise.strategy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.util.Assert;

/**
 * Hashes a key onto a fixed number of virtual buckets and maps buckets onto shards.
 *
 * <p>The hash is 32-bit MurmurHash3 of the key's {@code toString()} in UTF-8, so a key
 * lands in the same bucket on every JVM and every release. Because keys map to buckets
 * and not directly to shards, a shard is added by reassigning some buckets to it (and
 * moving their rows), without rehashing every key.
 *
 * <p>The bucket-to-shard map is versioned: {@link #reassign(long, List)} replaces it as a
 * whole with a later version (the durable placement in {@code io.shardwise.placement}
 * does so when buckets move), and every lookup reads one consistent map.
 */
public final class HashShardStrategy implements ShardStrategy {

	private final int bucketCount;

	// One immutable array per map version, swapped as a whole: a lookup reads one
	// volatile field and allocates nothing.
	private volatile String[] shardByBucket;

	private volatile long version;

	/**
	 * Create a hash strategy whose map has version 0 (configuration, never stored).
	 * @param shardByBucket the shard id of each bucket; its size is the bucket count
	 */
	public HashShardStrategy(List<String> shardByBucket) {
		Assert.notEmpty(shardByBucket, "At least one bucket is required");
		this.shardByBucket = shardByBucket.toArray(String[]::new);
		this.bucketCount = this.shardByBucket.length;
	}

	/**
	 * Create a hash strategy that spreads {@code buckets} buckets evenly, in contiguous
	 * blocks, over the given shards.
	 * @param buckets the number of virtual buckets
	 * @param shardIds the shard ids, in order
	 * @return the strategy
	 */
	public static HashShardStrategy evenlySpread(int buckets, List<String> shardIds) {
		Assert.isTrue(buckets >= shardIds.size(), "Need at least one bucket per shard");
		String[] shards = new String[buckets];
		for (int bucket = 0; bucket < buckets; bucket++) {
			shards[bucket] = shardIds.get((int) ((long) bucket * shardIds.size() / buckets));
		}
		return new HashShardStrategy(List.of(shards));
	}

	@Override
	public String shardFor(Object key) {
		return this.shardByBucket[bucketOf(key)];
	}

	/**
	 * Return the bucket a key hashes to.
	 * @param key the key
	 * @return the bucket, from 0 to {@link #getBucketCount()} - 1
	 */
	public int bucketOf(Object key) {
		int hash = murmur3(key.toString().getBytes(StandardCharsets.UTF_8));
		return Math.floorMod(hash, this.bucketCount);
	}

	public int getBucketCount() {
		return this.bucketCount;
	}

	/**
	 * Return the shard id of a bucket in the current map.
	 * @param bucket a bucket, from 0 to {@link #getBucketCount()} - 1
	 * @return the shard id
	 */
	public String shardOfBucket(int bucket) {
		return this.shardByBucket[bucket];
	}

	/**
	 * Return the shard id of each bucket in the current map.
	 * @return shard ids indexed by bucket
	 */
	public List<String> getShardByBucket() {
		return List.of(this.shardByBucket);
	}

	/**
	 * Return the version of the current map: 0 for the configured map, the stored
	 * version once a durable placement manages this strategy.
	 * @return the map version
	 */
	public long getVersion() {
		return this.version;
	}

	/**
	 * Replace the bucket-to-shard map with a later version. Maps of an older or the same
	 * version are ignored, so that concurrent refreshes never step back.
	 * @param version the new map's version
	 * @param shardByBucket the shard id of each bucket; as many as before
	 * @return whether the map was replaced
	 */
	public synchronized boolean reassign(long version, List<String> shardByBucket) {
		Assert.isTrue(shardByBucket.size() == this.bucketCount,
				() -> "Expected " + this.bucketCount + " buckets, got " + shardByBucket.size());
		if (version <= this.version) {
			return false;
		}
		this.shardByBucket = shardByBucket.toArray(String[]::new);
		this.version = version;
		return true;
	}

	static int murmur3(byte[] data) {
		final int c1 = 0xcc9e2d51;
		final int c2 = 0x1b873593;
		int h = 0;
		int blocks = data.length / 4;
		for (int i = 0; i < blocks; i++) {
			int k = (data[i * 4] & 0xff) | (data[i * 4 + 1] & 0xff) << 8 | (data[i * 4 + 2] & 0xff) << 16
					| (data[i * 4 + 3] & 0xff) << 24;
			k *= c1;
			k = Integer.rotateLeft(k, 15);
			k *= c2;
			h ^= k;
			h = Integer.rotateLeft(h, 13);
			h = h * 5 + 0xe6546b64;
		}
		int k = 0;
		int tail = blocks * 4;
		switch (data.length & 3) {
			case 3:
				k ^= (data[tail + 2] & 0xff) << 16;
			case 2:
				k ^= (data[tail + 1] & 0xff) << 8;
			case 1:
				k ^= data[tail] & 0xff;
				k *= c1;
				k = Integer.rotateLeft(k, 15);
				k *= c2;
				h ^= k;
			default:
		}
		h ^= data.length;
		h ^= h >>> 16;
		h *= 0x85ebca6b;
		h ^= h >>> 13;
		h *= 0xc2b2ae35;
		h ^= h >>> 16;
		return h;
	}

}
