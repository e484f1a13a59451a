package io.shardwise.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * One unkeyed fan-out over rows of the durably placed strategy, as a bucket move sees
 * it. Between a bucket's cutover and the cleanup of its old shard, its rows are in the
 * real tables of two shards; a fan-out then sees them twice unless it keeps, of every
 * row, only the copy on the shard that owns the row's bucket.
 *
 * <p>A fan-out takes this snapshot before its first shard statement and calls
 * {@link #checkExact(String)} after its last one:
 * <ul>
 * <li>While a move is between its cutover and its cleanup ({@link #filters()}), results
 * made of whole entities are filtered by the map of the snapshot ({@link #keep}); every
 * other result (counts, pages, aggregates, projections, SQL rows) is refused before any
 * shard runs ({@link #refuseUnfiltered(String)}).
 * <li>Otherwise the rows are exact if nothing about the placement changed while the
 * fan-out ran: the placement's <em>epoch</em> changes whenever this instance sees the
 * map or the moving buckets change, or its reads of them lapse for longer than the grace
 * period; a move waits that period between announcing its cutover and the first one, so
 * a fan-out that saw the same epoch, fresh, at its start and at its end saw no row
 * twice. A fan-out during which the epoch changed, or on an instance whose reads are
 * older than the grace period, is refused.
 * </ul>
 * {@link io.shardwise.placement.Placement} makes the snapshots; Shardwise's repository
 * and SQL fan-outs use them. A refusal is an {@link InexactFanOutException}.
 */
public final class PlacedFanOut {

	private final ShardRouter router;

	private final String strategy;

	private final List<String> shardByBucket;

	private final Map<Integer, String> moving;

	private final long epoch;

	private final LongSupplier epochs;

	private final long graceNanos;

	/**
	 * Create a snapshot.
	 * @param router the router
	 * @param strategy the placed strategy's name, for messages
	 * @param shardByBucket the bucket map to filter rows by while a move is between its
	 * cutover and its cleanup, or {@code null} when none is
	 * @param moving the source shard of each bucket whose rows may be on two shards
	 * @param epoch the placement's epoch when the snapshot was taken, read before the map
	 * and the moving buckets; negative if the instance's reads were older than the grace
	 * period
	 * @param epochs supplies the placement's current epoch, negative while its reads are
	 * older than the grace period
	 * @param graceNanos how long a read stays good, for messages
	 */
	public PlacedFanOut(ShardRouter router, String strategy, List<String> shardByBucket, Map<Integer, String> moving,
			long epoch, LongSupplier epochs, long graceNanos) {
		this.router = router;
		this.strategy = strategy;
		this.shardByBucket = shardByBucket;
		this.moving = moving;
		this.epoch = epoch;
		this.epochs = epochs;
		this.graceNanos = graceNanos;
	}

	/**
	 * Return whether the fan-out must keep only the rows each shard owns.
	 * @return whether rows are filtered
	 */
	public boolean filters() {
		return this.shardByBucket != null;
	}

	/**
	 * Refuse a fan-out whose results cannot be filtered per row, while rows are on two
	 * shards, or when this instance cannot tell.
	 * @param what the method or statement, for the message
	 * @throws InexactFanOutException if its answer would not be exact
	 */
	public void refuseUnfiltered(String what) {
		if (filters()) {
			throw new InexactFanOutException(what + " cannot be answered exactly now: its results cannot be "
					+ "filtered per row (only whole entities can), and " + moving()
					+ ". Retry after the move's cleanup, or pass a @ShardKey");
		}
		checkExact(what);
	}

	/**
	 * Refuse the results of a fan-out during which the placement changed, or that this
	 * instance cannot vouch for.
	 * @param what the method or statement, for the message
	 * @throws InexactFanOutException if a move may have begun, switched or ended unseen
	 * while it ran
	 */
	public void checkExact(String what) {
		long now = this.epochs.getAsLong();
		if (this.epoch < 0 || now < 0) {
			throw new InexactFanOutException(what + " cannot be answered exactly: this instance has not read the "
					+ "placement of strategy '" + this.strategy + "' for more than " + (this.graceNanos / 1_000_000)
					+ " ms, so a bucket move may have cut over unseen. Retry it");
		}
		if (now != this.epoch) {
			throw new InexactFanOutException(what + " cannot be answered exactly: the placement of strategy '"
					+ this.strategy + "' changed while it ran (a bucket move began, cut over or ended). Retry it");
		}
	}

	/**
	 * Keep, of one shard's results, the entities whose bucket that shard owns by the
	 * snapshot's map.
	 * @param shard the shard the results came from
	 * @param result a collection or {@link Optional} of entities, one entity, or
	 * {@code null}
	 * @param what the method, for the message
	 * @return the same kind of result with the rows of other shards' buckets dropped
	 * @throws InexactFanOutException if an element's bucket cannot be told without loading
	 * it, or is not an entity
	 */
	public Object keep(Shard shard, Object result, String what) {
		if (!filters() || result == null) {
			return result;
		}
		if (result instanceof Optional<?> optional) {
			return optional.filter((entity) -> owns(shard, entity, what));
		}
		if (result instanceof Collection<?> rows) {
			Collection<Object> kept = (rows instanceof Set<?>) ? new LinkedHashSet<>() : new ArrayList<>(rows.size());
			for (Object row : rows) {
				if (row == null || owns(shard, row, what)) {
					kept.add(row);
				}
			}
			return kept;
		}
		return owns(shard, result, what) ? result : null;
	}

	private boolean owns(Shard shard, Object entity, String what) {
		int bucket = EntityProxies.isEntity(entity) ? this.router.bucketOf(entity) : -1;
		if (bucket < 0) {
			throw new InexactFanOutException(what + " cannot be answered exactly now: Shardwise cannot tell the "
					+ "bucket of " + describe(entity) + " without loading more, and " + moving()
					+ ". Retry after the move's cleanup, or pass a @ShardKey");
		}
		return this.shardByBucket.get(bucket).equals(shard.id());
	}

	private String moving() {
		Map<String, List<Integer>> bySource = new TreeMap<>();
		new TreeMap<>(this.moving).forEach((bucket, source) -> bySource.computeIfAbsent(source, (key) -> new ArrayList<>()).add(bucket));
		return "buckets " + bySource.entrySet()
			.stream()
			.map((entry) -> entry.getValue() + " of shard '" + entry.getKey() + "'")
			.collect(Collectors.joining(", ")) + " of strategy '" + this.strategy
				+ "' are moving: until the move's cleanup their rows are on two shards";
	}

	private static String describe(Object row) {
		return EntityProxies.isEntity(row)
				? EntityProxies.entityClass(row).getSimpleName() + "#" + EntityProxies.identifier(row)
				: "a result of type " + row.getClass().getName();
	}

}
