package io.shardwise.placement;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.shardwise.id.ShardIds;
import io.shardwise.routing.PlacedFanOut;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import io.shardwise.strategy.HashShardStrategy;
import io.shardwise.strategy.ShardStrategy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.Assert;

/**
 * The durable placement of one {@code hash} strategy: its bucket to shard map is state,
 * stored with a version on the metadata shard, and every instance routes by the stored
 * version.
 *
 * <p>{@link #start()} seeds the stored map from the configured {@code bucket-shards} at
 * first start (and records on every shard the buckets it owns), or else checks that the
 * configuration equals the stored map and fails with a {@link PlacementMismatchException}
 * showing both when it does not. Afterwards the instance polls the stored version every
 * refresh interval and switches to a newer map as a whole; a write routed by an older
 * map is refused by its shard ({@link BucketFence}), which also triggers a refresh.
 */
public class Placement implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Placement.class);

	private final ShardRouter router;

	private final String strategyName;

	private final HashShardStrategy strategy;

	private final PlacementStore store;

	private final Duration refreshInterval;

	private final long graceNanos;

	private volatile String lockClause = " for update";

	/** The source shard of each bucket whose rows may be on two shards (see {@link #announceMoving}). */
	private volatile Map<Integer, String> moving = Map.of();

	/** When the last successful read of the stored state began ({@link System#nanoTime()}). */
	private volatile long readAtNanos = System.nanoTime();

	/** Counts this instance's own changes of {@link #moving}, so a refresh read before one cannot undo it. */
	private long movingChanges;

	/**
	 * Changes whenever this instance sees the map or the moving buckets change, or its
	 * reads lapse for longer than the grace period (see {@link PlacedFanOut}).
	 */
	private final AtomicLong epoch = new AtomicLong();

	private ScheduledExecutorService refresher;

	/**
	 * Create the placement of a strategy; {@link #start()} loads it.
	 * @param router the router, built with {@code strategyName} as its placed strategy
	 * @param strategyName the name of a {@link HashShardStrategy} with at most
	 * {@link ShardIds#MAX_BUCKETS} buckets
	 * @param metadataShard the shard that stores the map
	 * @param refreshInterval how often to look for a newer stored version, or
	 * {@code null} or zero for never (only when a write is refused)
	 */
	public Placement(ShardRouter router, String strategyName, Shard metadataShard, Duration refreshInterval) {
		ShardStrategy strategy = router.strategies().get(strategyName);
		Assert.isTrue(strategy instanceof HashShardStrategy,
				() -> "Placement needs a hash strategy, '" + strategyName + "' is " + strategy);
		this.router = router;
		this.strategyName = strategyName;
		this.strategy = (HashShardStrategy) strategy;
		Assert.isTrue(this.strategy.getBucketCount() <= ShardIds.MAX_BUCKETS, () -> "Strategy '" + strategyName
				+ "' has " + this.strategy.getBucketCount() + " buckets; ids can name at most " + ShardIds.MAX_BUCKETS);
		this.store = new PlacementStore(metadataShard);
		this.refreshInterval = refreshInterval;
		Duration thrice = (refreshInterval != null) ? refreshInterval.multipliedBy(3) : Duration.ZERO;
		this.graceNanos = Math.max(thrice.toNanos(), Duration.ofSeconds(1).toNanos());
	}

	/**
	 * Create the placement tables if needed, seed or check the stored map, route by it,
	 * give the strategy's entities ids of the bucket layout, and start refreshing.
	 * @throws PlacementMismatchException if the configured map differs from the stored one
	 */
	public synchronized void start() {
		this.store.createTables();
		this.router.shards().all().forEach(BucketOwnership::createTables);
		this.lockClause = lockClause(this.store.shard());
		List<String> configured = this.strategy.getShardByBucket();
		Optional<PlacementMap> stored = this.store.load(this.strategyName, configured.size());
		if (stored.isEmpty()) {
			// First start: record ownership on every shard before publishing the map, so
			// that a crash in between leaves no map and the next start does this again.
			Map<String, List<Integer>> owned = new LinkedHashMap<>();
			this.router.shards().ids().forEach((id) -> owned.put(id, new ArrayList<>()));
			for (int bucket = 0; bucket < configured.size(); bucket++) {
				owned.get(configured.get(bucket)).add(bucket);
			}
			this.router.shards().all().forEach((shard) -> BucketOwnership.reset(shard, owned.get(shard.id())));
			if (this.store.seed(this.strategyName, configured)) {
				logger.info("Stored the placement of strategy '" + this.strategyName + "' (version 1) on shard '"
						+ this.store.shard().id() + "'");
			}
			stored = this.store.load(this.strategyName, configured.size());
		}
		PlacementMap map = stored.orElseThrow();
		if (!map.shardByBucket().equals(configured)) {
			throw new PlacementMismatchException(this.strategyName, configured, map);
		}
		long readAt = System.nanoTime();
		apply(map);
		publishMoving(this.store.moving(this.strategyName), readAt, this.movingChanges);
		this.router.shards().all().get(0).ids().encodeBuckets(this.router::bucketOf);
		this.router.checkPlacementWith(new PlacedCallChecks(this));
		if (this.refreshInterval != null && !this.refreshInterval.isZero() && this.refresher == null) {
			this.refresher = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "shardwise-placement-refresh");
				thread.setDaemon(true);
				return thread;
			});
			long millis = this.refreshInterval.toMillis();
			this.refresher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Switch to the stored map if it is newer than the one this instance routes by.
	 * @return whether the map changed
	 */
	public boolean refresh() {
		long readAt = System.nanoTime();
		long changes;
		synchronized (this) {
			changes = this.movingChanges;
		}
		// The moving buckets first: one that stops moving after this read is still
		// treated as moving, never the other way round.
		Map<Integer, String> moving = this.store.moving(this.strategyName);
		long stored = this.store.version(this.strategyName);
		boolean changed = stored > this.strategy.getVersion()
				&& this.store.load(this.strategyName, this.strategy.getBucketCount()).map(this::apply).orElse(false);
		publishMoving(moving, readAt, changes);
		return changed;
	}

	private synchronized void publishMoving(Map<Integer, String> moving, long readAt, long changes) {
		if (changes == this.movingChanges) {
			boolean changed = !moving.equals(this.moving) || readAt - this.readAtNanos > this.graceNanos;
			this.moving = Map.copyOf(moving);
			this.readAtNanos = readAt;
			if (changed) {
				// After the state: a fan-out that reads the new epoch sees the new state.
				this.epoch.incrementAndGet();
			}
		}
	}

	/**
	 * Return the epoch fan-outs compare at their start and end, or -1 while this
	 * instance's last read of the stored state is older than the grace period.
	 */
	private long epoch() {
		return (System.nanoTime() - this.readAtNanos > this.graceNanos) ? -1 : this.epoch.get();
	}

	/**
	 * Record that the rows of some buckets may be on two shards from now on: a move is
	 * about to cut them over, and their old shards keep the rows until its cleanup.
	 * Unkeyed fan-outs over the strategy's entities then keep only the rows each shard
	 * owns, and refuse results they cannot filter. Wait {@link #grace()} before the first
	 * cutover, so that every instance has seen it.
	 * @param sources the shard each bucket moves from
	 */
	public synchronized void announceMoving(Map<Integer, String> sources) {
		this.store.setMoving(this.strategyName, sources.keySet(), sources);
		Map<Integer, String> moving = new TreeMap<>(this.moving);
		moving.putAll(sources);
		this.moving = Map.copyOf(moving);
		this.movingChanges++;
		this.epoch.incrementAndGet();
	}

	/**
	 * Record that the rows of some buckets are on one shard again (their move was cleaned
	 * up or cancelled).
	 * @param buckets the buckets
	 */
	public synchronized void endMoving(Collection<Integer> buckets) {
		this.store.setMoving(this.strategyName, buckets, Map.of());
		Map<Integer, String> moving = new TreeMap<>(this.moving);
		buckets.forEach(moving::remove);
		this.moving = Map.copyOf(moving);
		this.movingChanges++;
		this.epoch.incrementAndGet();
	}

	/**
	 * Return how long an instance's read of the stored state stays good for fan-outs, and
	 * so how long a move waits between announcing its cutover and the first one, and
	 * between its last switch and its cleanup: three refresh intervals, at least one
	 * second.
	 * @return the grace period
	 */
	public Duration grace() {
		return Duration.ofNanos(this.graceNanos);
	}

	/** The snapshot an unkeyed fan-out over placed rows takes before it runs. */
	PlacedFanOut fanOutSnapshot() {
		if (this.refreshInterval == null || this.refreshInterval.isZero()) {
			// Nothing refreshes in the background: read the stored state now.
			refreshQuietly();
		}
		// The epoch first: a map or moving buckets that change after it change it too.
		long epoch = epoch();
		Map<Integer, String> moving = this.moving;
		return new PlacedFanOut(this.router, this.strategyName,
				moving.isEmpty() ? null : this.strategy.getShardByBucket(), moving, epoch, this::epoch,
				this.graceNanos);
	}

	void refreshQuietly() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			// The fence keeps writes right meanwhile; try again at the next interval.
			logger.warn("Cannot refresh the placement of strategy '" + this.strategyName + "': " + ex.getMessage());
		}
	}

	/**
	 * Route by a map, if it is newer than the current one.
	 * @param map the map
	 * @return whether the map changed
	 */
	boolean apply(PlacementMap map) {
		if (map.version() <= this.strategy.getVersion()) {
			return false;
		}
		// Moved buckets draw ids from their new owner's sequence: first make it larger than
		// every id handed out so far (see ShardIds).
		this.router.shards().all().get(0).ids().joinSequences();
		boolean changed = this.strategy.reassign(map.version(), map.shardByBucket());
		if (changed) {
			this.epoch.incrementAndGet();
		}
		if (changed && map.version() > 1) {
			logger.info("Routing strategy '" + this.strategyName + "' by placement version " + map.version());
		}
		return changed;
	}

	/**
	 * Switch some buckets to new owners: store the next version and route by it.
	 * @param owners the new shard id of each bucket that changes
	 * @return the new version
	 */
	public synchronized long reassign(Map<Integer, String> owners) {
		owners.values().forEach((shard) -> this.router.shards().get(shard));
		long version = this.store.reassign(this.strategyName, owners);
		this.store.load(this.strategyName, this.strategy.getBucketCount()).ifPresent(this::apply);
		return version;
	}

	/**
	 * Return how often this instance looks for a newer stored map.
	 * @return the interval, or {@code null} or zero for never
	 */
	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	public String strategyName() {
		return this.strategyName;
	}

	public HashShardStrategy strategy() {
		return this.strategy;
	}

	public ShardRouter router() {
		return this.router;
	}

	public PlacementStore store() {
		return this.store;
	}

	/**
	 * Return the version of the map this instance routes by.
	 * @return the version
	 */
	public long version() {
		return this.strategy.getVersion();
	}

	/**
	 * Return the clause that locks a bucket's ownership row against its cutover for the
	 * rest of a write transaction: shared where the database has shared row locks.
	 * @return the clause, with a leading space
	 */
	String lockClause() {
		return this.lockClause;
	}

	private static String lockClause(Shard shard) {
		try (Connection connection = shard.dataSource().getConnection()) {
			String product = connection.getMetaData().getDatabaseProductName().toLowerCase();
			return (product.contains("postgres") || product.contains("mysql") || product.contains("mariadb"))
					? " for share" : " for update";
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(shard, "read its database product", ex);
		}
	}

	@Override
	public synchronized void close() {
		if (this.refresher != null) {
			this.refresher.shutdownNow();
			this.refresher = null;
		}
	}

}
