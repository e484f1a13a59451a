package io.shardwise.id;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.util.Assert;

/**
 * Generates 64-bit ids that are unique across shards and application instances and that
 * name their shard, so that a lookup by id alone goes straight to the right database.
 *
 * <pre>
 *  0 | 41 bits: milliseconds since 2025-01-01T00:00Z | 8 bits: shard index | 6 bits: node | 8 bits: sequence
 * </pre>
 *
 * Each shard has its own lock-free sequence. When more than 256 ids are asked for in one
 * millisecond the sequence borrows the next millisecond instead of waiting, so the ids
 * stay unique and increasing; a clock that steps back never produces an id twice
 * either. Ids from different application instances differ in their node number, which
 * must be unique per running instance: leased through a {@link NodeLease}, or configured
 * ({@code shardwise.id.node}).
 */
public final class ShardIds {

	/** Start of the id clock. */
	public static final long EPOCH_MILLIS = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

	/**
	 * Default start of the ids Shardwise trusts: a value whose timestamp lies before it is
	 * taken for a foreign id (a legacy sequence value, an imported key) and looked up on
	 * every shard. Every value below about 1.3 &times; 10<sup>17</sup> falls before it.
	 */
	public static final Instant DEFAULT_VALID_FROM = Instant.parse("2026-01-01T00:00:00Z");

	/** Maximum number of shards an id can name. */
	public static final int MAX_SHARDS = 1 << 8;

	/** Maximum number of distinct nodes. */
	public static final int MAX_NODES = 1 << 6;

	private static final int SEQUENCE_BITS = 8;

	private static final int NODE_BITS = 6;

	private static final int SHARD_SHIFT = SEQUENCE_BITS + NODE_BITS;

	private static final int TIME_SHIFT = SHARD_SHIFT + 8;

	// Ids may run ahead of the wall clock under bursts; accept a day of lead when decoding.
	private static final long MAX_LEAD_MILLIS = TimeUnit.DAYS.toMillis(1);

	private final AtomicLong[] lastByShard;

	private final int node;

	private final NodeLease lease;

	/**
	 * Create a generator.
	 * @param shardCount the number of shards, at most {@link #MAX_SHARDS}
	 * @param node this instance's node number, from 0 to {@link #MAX_NODES} - 1
	 */
	public ShardIds(int shardCount, int node) {
		this(shardCount, node, null);
	}

	/**
	 * Create a generator whose node is leased: it asks the lease for the node before
	 * every id, which it refuses if the lease is not (or no longer) this instance's.
	 * @param shardCount the number of shards, at most {@link #MAX_SHARDS}
	 * @param lease this instance's node lease, possibly not started yet
	 */
	public ShardIds(int shardCount, NodeLease lease) {
		this(shardCount, 0, lease);
	}

	private ShardIds(int shardCount, int node, NodeLease lease) {
		Assert.isTrue(shardCount > 0 && shardCount <= MAX_SHARDS,
				() -> "Shard ids can name at most " + MAX_SHARDS + " shards, got " + shardCount);
		Assert.isTrue(node >= 0 && node < MAX_NODES,
				() -> "Node must be between 0 and " + (MAX_NODES - 1) + ", got " + node);
		this.node = node;
		this.lease = lease;
		this.lastByShard = new AtomicLong[shardCount];
		for (int i = 0; i < shardCount; i++) {
			this.lastByShard[i] = new AtomicLong();
		}
	}

	/**
	 * Return a new id on the shard with the given index.
	 * @param shardIndex the shard's index
	 * @return a new id, unique across shards and nodes
	 */
	public long next(int shardIndex) {
		AtomicLong last = this.lastByShard[shardIndex];
		long nowTick = (System.currentTimeMillis() - EPOCH_MILLIS) << SEQUENCE_BITS;
		long tick;
		long previous;
		do {
			previous = last.get();
			tick = Math.max(previous + 1, nowTick);
		}
		while (!last.compareAndSet(previous, tick));
		long millis = tick >>> SEQUENCE_BITS;
		long sequence = tick & ((1 << SEQUENCE_BITS) - 1);
		// A leased node is only ours for ids stamped before the lease runs out.
		long node = (this.lease != null) ? this.lease.checkedNode(millis + EPOCH_MILLIS) : this.node;
		return (millis << TIME_SHIFT) | ((long) shardIndex << SHARD_SHIFT) | (node << SEQUENCE_BITS) | sequence;
	}

	/**
	 * Return the shard index encoded in an id, or -1 if the value cannot be an id this
	 * class generated since {@link #DEFAULT_VALID_FROM}.
	 * @param id a candidate id
	 * @return the shard index, or -1
	 */
	public static int shardIndexOf(long id) {
		return shardIndexOf(id, DEFAULT_VALID_FROM.toEpochMilli());
	}

	/**
	 * Return the shard index encoded in an id, or -1 if the value cannot be an id this
	 * class generated since a point in time: it is not positive, or its timestamp lies
	 * before that point or in the future. Such values are foreign ids (legacy or imported
	 * keys), which may live on any shard.
	 * @param id a candidate id
	 * @param validFromEpochMillis when the application began to generate ids
	 * @return the shard index, or -1
	 */
	public static int shardIndexOf(long id, long validFromEpochMillis) {
		if (id <= 0) {
			return -1;
		}
		long millis = id >>> TIME_SHIFT;
		if (millis == 0 || millis < validFromEpochMillis - EPOCH_MILLIS
				|| millis > System.currentTimeMillis() - EPOCH_MILLIS + MAX_LEAD_MILLIS) {
			return -1;
		}
		return (int) ((id >>> SHARD_SHIFT) & (MAX_SHARDS - 1));
	}

}
