package io.shardwise.id;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

import org.springframework.util.Assert;

/**
 * Generates 64-bit ids that are unique across shards and application instances and that
 * name their shard, or their bucket, so that a lookup by id alone goes straight to the
 * right database. There are two layouts, told apart by bit 62:
 *
 * <pre>
 *  shard layout:  0 | 0 | 40 bits: ms since 2025-01-01T00:00Z | 8 bits: shard index | 6 bits: node | 8 bits: sequence
 *  bucket layout: 0 | 1 | 40 bits: ms since 2025-01-01T00:00Z | 6 bits: sequence | 10 bits: bucket | 6 bits: node
 * </pre>
 *
 * The shard layout is the original one (its 41-bit timestamp has a zero top bit until
 * 2059, so bit 62 of every id it ever produced is 0). The bucket layout names the
 * {@code hash} strategy bucket of a durable placement instead of the shard, so that a row
 * keeps a valid id when its bucket moves to another shard ({@link #next(int, int)}).
 *
 * <p>Each shard has its own lock-free sequence, shared by both layouts; the timestamp and
 * sequence are the high bits, so a shard's ids increase in both layouts. When the
 * sequence overflows in one millisecond (256 ids, or 64 in the bucket layout) it borrows
 * the next millisecond instead of waiting, so the ids stay unique and increasing; a clock
 * that steps back never produces an id twice either. Ids from different application
 * instances differ in their node number, which must be unique per running instance:
 * leased through a {@link NodeLease}, or configured ({@code shardwise.id.node}). A
 * bucket's ids are drawn from the sequence of the shard that owns it; when buckets move, {@link #joinSequences()} makes every later id of this
 * instance larger than all earlier ones, so a bucket's ids stay unique across owners.
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

	/** Maximum number of buckets that an id of the bucket layout can name. */
	public static final int MAX_BUCKETS = 1 << 10;

	private static final int SEQUENCE_BITS = 8;

	private static final int NODE_BITS = 6;

	private static final int SHARD_SHIFT = SEQUENCE_BITS + NODE_BITS;

	private static final int TIME_SHIFT = SHARD_SHIFT + 8;

	/** Bit 62: set in ids of the bucket layout. */
	private static final long BUCKET_LAYOUT = 1L << 62;

	private static final long TIME_MASK = (1L << 40) - 1;

	private static final int BUCKET_SEQUENCE_BITS = 6;

	private static final int BUCKET_SHIFT = NODE_BITS;

	private static final int BUCKET_SEQUENCE_SHIFT = BUCKET_SHIFT + 10;

	// Ids may run ahead of the wall clock under bursts; accept a day of lead when decoding.
	private static final long MAX_LEAD_MILLIS = TimeUnit.DAYS.toMillis(1);

	private final AtomicLong[] lastByShard;

	private final int node;

	private final NodeLease lease;

	private volatile ToIntFunction<Object> bucketOfEntity = (entity) -> -1;

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
	 * Return a new id of the shard layout on the shard with the given index.
	 * @param shardIndex the shard's index
	 * @return a new id, unique across shards and nodes
	 */
	public long next(int shardIndex) {
		long tick = nextTick(shardIndex, SEQUENCE_BITS);
		long millis = tick >>> SEQUENCE_BITS;
		long sequence = tick & ((1 << SEQUENCE_BITS) - 1);
		// A leased node is only ours for ids stamped before the lease runs out.
		long node = (this.lease != null) ? this.lease.checkedNode(millis + EPOCH_MILLIS) : this.node;
		return (millis << TIME_SHIFT) | ((long) shardIndex << SHARD_SHIFT) | (node << SEQUENCE_BITS) | sequence;
	}

	/**
	 * Return a new id of the bucket layout for a row of a bucket on the shard with the
	 * given index (the bucket's current owner).
	 * @param shardIndex the index of the shard that owns the bucket
	 * @param bucket the bucket, from 0 to {@link #MAX_BUCKETS} - 1
	 * @return a new id, unique across buckets and nodes
	 */
	public long next(int shardIndex, int bucket) {
		Assert.isTrue(bucket >= 0 && bucket < MAX_BUCKETS,
				() -> "Bucket must be between 0 and " + (MAX_BUCKETS - 1) + ", got " + bucket);
		long tick = nextTick(shardIndex, BUCKET_SEQUENCE_BITS);
		long millis = tick >>> SEQUENCE_BITS;
		long sequence = (tick & ((1 << SEQUENCE_BITS) - 1)) >>> (SEQUENCE_BITS - BUCKET_SEQUENCE_BITS);
		long node = (this.lease != null) ? this.lease.checkedNode(millis + EPOCH_MILLIS) : this.node;
		return BUCKET_LAYOUT | (millis << TIME_SHIFT) | (sequence << BUCKET_SEQUENCE_SHIFT)
				| ((long) bucket << BUCKET_SHIFT) | node;
	}

	/**
	 * Return a new id for an entity on the shard with the given index: of the bucket
	 * layout if the entity is placed by a durable bucket placement (see
	 * {@link #encodeBuckets(ToIntFunction)}), else of the shard layout.
	 * @param shardIndex the shard's index
	 * @param entity the entity the id is for
	 * @return a new id
	 */
	public long nextFor(int shardIndex, Object entity) {
		int bucket = this.bucketOfEntity.applyAsInt(entity);
		return (bucket >= 0) ? next(shardIndex, bucket) : next(shardIndex);
	}

	/**
	 * Give entities placed by buckets ids of the bucket layout from now on.
	 * @param bucketOfEntity the bucket of an entity, or -1 for entities placed otherwise
	 */
	public void encodeBuckets(ToIntFunction<Object> bucketOfEntity) {
		this.bucketOfEntity = bucketOfEntity;
	}

	/**
	 * Advance every shard's sequence to the latest of them, so that every id drawn later
	 * on any shard is larger than every id drawn so far. Called before this instance
	 * routes by a new bucket map: a moved bucket's next ids come from another shard's
	 * sequence, and must not repeat the ids its old owner handed out.
	 */
	public void joinSequences() {
		long latest = 0;
		for (AtomicLong last : this.lastByShard) {
			latest = Math.max(latest, last.get());
		}
		for (AtomicLong last : this.lastByShard) {
			last.accumulateAndGet(latest, Math::max);
		}
	}

	/**
	 * Return the next tick (milliseconds shifted left by 8, plus a sequence) of a shard,
	 * with a sequence of {@code sequenceBits} bits: ticks of the narrower sequence
	 * advance by a larger step, so that both layouts share one increasing sequence.
	 */
	private long nextTick(int shardIndex, int sequenceBits) {
		AtomicLong last = this.lastByShard[shardIndex];
		long step = 1L << (SEQUENCE_BITS - sequenceBits);
		long nowTick = (System.currentTimeMillis() - EPOCH_MILLIS) << SEQUENCE_BITS;
		long tick;
		long previous;
		do {
			previous = last.get();
			// Round up to the narrower sequence's grid, so that its ids never repeat.
			tick = Math.max((previous + step) & -step, nowTick);
		}
		while (!last.compareAndSet(previous, tick));
		return tick;
	}

	/**
	 * Return the shard index encoded in an id of the shard layout, or -1 if the value
	 * cannot be such an id (not positive, of the bucket layout, or its timestamp lies in
	 * the future).
	 * @param id a candidate id
	 * @return the shard index, or -1
	 */
	public static int shardIndexOf(long id) {
		return shardIndexOf(id, DEFAULT_VALID_FROM.toEpochMilli());
	}

	/**
	 * Return the shard index encoded in an id of the shard layout, or -1 if the value
	 * cannot be such an id generated since a point in time: it is not positive, of the
	 * bucket layout, or its timestamp lies before that point or in the future. Such values
	 * are foreign ids (legacy or imported keys), which may live on any shard.
	 * @param id a candidate id
	 * @param validFromEpochMillis when the application began to generate ids
	 * @return the shard index, or -1
	 */
	public static int shardIndexOf(long id, long validFromEpochMillis) {
		if (id <= 0 || (id & BUCKET_LAYOUT) != 0 || !isPlausibleTime(id, validFromEpochMillis)) {
			return -1;
		}
		return (int) ((id >>> SHARD_SHIFT) & (MAX_SHARDS - 1));
	}

	/**
	 * Return the bucket encoded in an id of the bucket layout, or -1 if the value cannot
	 * be such an id (not positive, of the shard layout, or its timestamp lies in the
	 * future).
	 * @param id a candidate id
	 * @return the bucket, or -1
	 */
	public static int bucketOf(long id) {
		return bucketOf(id, DEFAULT_VALID_FROM.toEpochMilli());
	}

	/**
	 * Return the bucket encoded in an id of the bucket layout, or -1 if the value cannot
	 * be such an id generated since a point in time.
	 * @param id a candidate id
	 * @param validFromEpochMillis when the application began to generate ids
	 * @return the bucket, or -1
	 */
	public static int bucketOf(long id, long validFromEpochMillis) {
		if (id <= 0 || (id & BUCKET_LAYOUT) == 0 || !isPlausibleTime(id, validFromEpochMillis)) {
			return -1;
		}
		return (int) ((id >>> BUCKET_SHIFT) & (MAX_BUCKETS - 1));
	}

	/**
	 * Whether an id's timestamp could have been produced by this class since the start
	 * of trusted ids: the one rule both layouts share for telling Shardwise ids from
	 * foreign values.
	 */
	private static boolean isPlausibleTime(long id, long validFromEpochMillis) {
		long millis = (id >>> TIME_SHIFT) & TIME_MASK;
		return millis != 0 && millis >= validFromEpochMillis - EPOCH_MILLIS
				&& millis <= System.currentTimeMillis() - EPOCH_MILLIS + MAX_LEAD_MILLIS;
	}

}
