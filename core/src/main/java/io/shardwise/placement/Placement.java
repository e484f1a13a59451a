package io.shardwise.placement;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.shardwise.id.ShardIds;
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

	private volatile String lockClause = " for update";

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
		apply(map);
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
		long stored = this.store.version(this.strategyName);
		if (stored <= this.strategy.getVersion()) {
			return false;
		}
		return this.store.load(this.strategyName, this.strategy.getBucketCount()).map(this::apply).orElse(false);
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
