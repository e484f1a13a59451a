package io.shardwise.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.shardwise.autoconfigure.JdbcUrls;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import io.shardwise.strategy.HashShardStrategy;
import io.shardwise.strategy.LookupShardStrategy;
import io.shardwise.strategy.RangeShardStrategy;
import io.shardwise.strategy.ShardStrategy;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code shards} endpoint: every shard with its masked JDBC URL, pool statistics and
 * schema version, whether the schema versions drift apart, and every strategy with its
 * map.
 */
@Endpoint(id = "shards")
public class ShardsEndpoint {

	private final ShardRouter router;

	private final Function<Shard, SchemaVersion> schemaVersions;

	private final Supplier<Object> placement;

	/**
	 * Create the endpoint.
	 * @param router the router, with the shards and strategies
	 * @param schemaVersions reads a shard's schema version, or {@code null} if schema
	 * versions are unknown (no Flyway)
	 */
	public ShardsEndpoint(ShardRouter router, Function<Shard, SchemaVersion> schemaVersions) {
		this(router, schemaVersions, () -> null);
	}

	/**
	 * Create the endpoint.
	 * @param router the router, with the shards and strategies
	 * @param schemaVersions reads a shard's schema version, or {@code null} if schema
	 * versions are unknown (no Flyway)
	 * @param placement describes the durable placement and its move, or supplies
	 * {@code null} without one
	 */
	public ShardsEndpoint(ShardRouter router, Function<Shard, SchemaVersion> schemaVersions,
			Supplier<Object> placement) {
		this.router = router;
		this.schemaVersions = schemaVersions;
		this.placement = placement;
	}

	@ReadOperation
	public ShardsDescriptor shards() {
		List<ShardDescriptor> shards = new ArrayList<>();
		for (Shard shard : this.router.shards().all()) {
			SchemaVersion schema = (this.schemaVersions != null) ? this.schemaVersions.apply(shard) : null;
			shards.add(new ShardDescriptor(shard.id(), shard.index(), url(shard.dataSource()),
					pool(shard.dataSource()), (schema != null) ? schema.version() : null,
					(schema != null) ? schema.error() : null));
		}
		boolean drift = shards.stream()
			.filter((shard) -> shard.schemaError() == null)
			.map(ShardDescriptor::schemaVersion)
			.distinct()
			.count() > 1;
		Map<String, StrategyDescriptor> strategies = new LinkedHashMap<>();
		this.router.strategies().entrySet().stream()
			.sorted(Map.Entry.comparingByKey())
			.forEach((entry) -> strategies.put(entry.getKey(), strategy(entry.getValue())));
		return new ShardsDescriptor(shards, (this.schemaVersions != null) ? drift : null,
				this.router.defaultStrategy(), strategies, this.placement.get());
	}

	private static String url(DataSource dataSource) {
		return (dataSource instanceof HikariDataSource hikari) ? JdbcUrls.mask(hikari.getJdbcUrl()) : null;
	}

	private static PoolDescriptor pool(DataSource dataSource) {
		if (!(dataSource instanceof HikariDataSource hikari)) {
			return null;
		}
		HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
		if (pool == null) {
			return new PoolDescriptor(hikari.getPoolName(), hikari.getMaximumPoolSize(), null, null, null, null);
		}
		return new PoolDescriptor(hikari.getPoolName(), hikari.getMaximumPoolSize(), pool.getTotalConnections(),
				pool.getActiveConnections(), pool.getIdleConnections(), pool.getThreadsAwaitingConnection());
	}

	static StrategyDescriptor strategy(ShardStrategy strategy) {
		if (strategy instanceof LookupShardStrategy lookup) {
			return new StrategyDescriptor("lookup", null, new TreeMap<>(lookup.getShardByKey()), null, null);
		}
		if (strategy instanceof HashShardStrategy hash) {
			return new StrategyDescriptor("hash", hash.getBucketCount(), null, bucketRanges(hash.getShardByBucket()),
					null);
		}
		if (strategy instanceof RangeShardStrategy range) {
			return new StrategyDescriptor("range", null, null, null, range.getRanges());
		}
		return new StrategyDescriptor(strategy.getClass().getName(), null, null, null, null);
	}

	/**
	 * Summarize a bucket-to-shard list as contiguous inclusive ranges, for example
	 * {@code "0-255": "shard-a"}.
	 */
	static Map<String, String> bucketRanges(List<String> shardByBucket) {
		Map<String, String> ranges = new LinkedHashMap<>();
		int from = 0;
		for (int bucket = 1; bucket <= shardByBucket.size(); bucket++) {
			if (bucket == shardByBucket.size()
					|| !Objects.equals(shardByBucket.get(bucket), shardByBucket.get(from))) {
				int to = bucket - 1;
				ranges.put((from == to) ? Integer.toString(from) : from + "-" + to, shardByBucket.get(from));
				from = bucket;
			}
		}
		return ranges;
	}

	/**
	 * A shard's schema version, or the masked error that prevented reading it.
	 *
	 * @param version the current schema version, or {@code null} if none was applied
	 * @param error the masked error, or {@code null}
	 */
	public record SchemaVersion(String version, String error) {

	}

	/**
	 * The endpoint's response.
	 *
	 * @param shards every shard, in declaration order
	 * @param schemaDrift whether the shards that reported a schema version differ;
	 * {@code null} when schema versions are unknown
	 * @param defaultStrategy the strategy of a {@code @ShardKey} that names none
	 * @param strategies every strategy by name
	 * @param placement the durable placement and its bucket move (see
	 * {@link ShardMovesEndpoint}), or {@code null} without one
	 */
	public record ShardsDescriptor(List<ShardDescriptor> shards, Boolean schemaDrift, String defaultStrategy,
			Map<String, StrategyDescriptor> strategies, Object placement) implements OperationResponseBody {

	}

	/**
	 * One shard.
	 *
	 * @param id the shard id
	 * @param index its position, which global ids encode
	 * @param url its JDBC URL, credentials masked
	 * @param pool its connection pool
	 * @param schemaVersion its Flyway schema version
	 * @param schemaError why the schema version could not be read, credentials masked
	 */
	public record ShardDescriptor(String id, int index, String url, PoolDescriptor pool, String schemaVersion,
			String schemaError) {

	}

	/**
	 * A shard's connection pool.
	 *
	 * @param name the pool name
	 * @param maximumSize the maximum number of connections
	 * @param total the open connections
	 * @param active the connections in use
	 * @param idle the idle connections
	 * @param pending the threads waiting for a connection
	 */
	public record PoolDescriptor(String name, int maximumSize, Integer total, Integer active, Integer idle,
			Integer pending) {

	}

	/**
	 * A strategy.
	 *
	 * @param type {@code lookup}, {@code hash}, {@code range}, or the class of a custom
	 * strategy bean
	 * @param buckets {@code hash}: the number of buckets
	 * @param mapping {@code lookup}: the shard of each key, sorted by key
	 * @param bucketShards {@code hash}: the shard of each inclusive bucket range
	 * @param ranges {@code range}: the key ranges and their shards
	 */
	public record StrategyDescriptor(String type, Integer buckets, Map<String, String> mapping,
			Map<String, String> bucketShards, List<RangeShardStrategy.Range> ranges) {

	}

}
