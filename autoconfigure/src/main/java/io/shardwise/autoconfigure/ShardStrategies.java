package io.shardwise.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.shardwise.id.ShardIds;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.Shards;
import io.shardwise.strategy.HashShardStrategy;
import io.shardwise.strategy.LookupShardStrategy;
import io.shardwise.strategy.RangeShardStrategy;
import io.shardwise.strategy.ShardStrategy;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds the configured strategies, checking that each maps only onto configured
 * shards, and the router over them and the strategy beans.
 */
final class ShardStrategies {

	private ShardStrategies() {
	}

	static ShardRouter router(ShardwiseProperties properties, Shards shards, Map<String, ShardStrategy> beans,
			java.time.Instant idsValidFrom, String placedStrategy) {
		Map<String, ShardStrategy> strategies = new LinkedHashMap<>(beans);
		properties.getStrategies().forEach((name, strategy) -> {
			if (beans.containsKey(name)) {
				throw new InvalidConfigurationPropertyValueException("shardwise.strategies." + name, name,
						"A ShardStrategy bean has the same name");
			}
			strategies.put(name, create(name, strategy, shards));
		});
		String defaultStrategy = properties.getDefaultStrategy();
		if (defaultStrategy == null && strategies.size() == 1) {
			defaultStrategy = strategies.keySet().iterator().next();
		}
		if (defaultStrategy != null && !strategies.containsKey(defaultStrategy)) {
			throw new InvalidConfigurationPropertyValueException("shardwise.default-strategy", defaultStrategy,
					"No such strategy; declared strategies are " + strategies.keySet());
		}
		if (placedStrategy != null) {
			ShardwiseProperties.Strategy placed = properties.getStrategies().get(placedStrategy);
			if (placed == null || placed.getType() != ShardwiseProperties.StrategyType.HASH) {
				throw new InvalidConfigurationPropertyValueException("shardwise.placement.strategy", placedStrategy,
						"Must name a strategy of type hash declared under shardwise.strategies; declared strategies are "
								+ properties.getStrategies().keySet());
			}
			if (placed.getBuckets() > ShardIds.MAX_BUCKETS) {
				throw new InvalidConfigurationPropertyValueException(
						"shardwise.strategies." + placedStrategy + ".buckets", placed.getBuckets(),
						"A placed strategy has at most " + ShardIds.MAX_BUCKETS + " buckets (ids name the bucket)");
			}
		}
		return new ShardRouter(shards, strategies, defaultStrategy, idsValidFrom, placedStrategy);
	}

	private static ShardStrategy create(String name, ShardwiseProperties.Strategy strategy, Shards shards) {
		String prefix = "shardwise.strategies." + name;
		if (strategy.getType() == null) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".type", null,
					"Set the strategy type: lookup, hash or range");
		}
		return switch (strategy.getType()) {
			case LOOKUP -> lookup(name, prefix, strategy, shards);
			case HASH -> hash(prefix, strategy, shards);
			case RANGE -> range(name, prefix, strategy, shards);
		};
	}

	private static ShardStrategy lookup(String name, String prefix, ShardwiseProperties.Strategy strategy,
			Shards shards) {
		if (strategy.getMapping().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".mapping", null,
					"A lookup strategy needs at least one key-to-shard mapping");
		}
		strategy.getMapping().forEach((key, shard) -> requireShard(prefix + ".mapping[" + key + "]", shard, shards));
		return new LookupShardStrategy(name, strategy.getMapping());
	}

	private static ShardStrategy hash(String prefix, ShardwiseProperties.Strategy strategy, Shards shards) {
		int buckets = strategy.getBuckets();
		if (buckets < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".buckets", buckets, "Must be positive");
		}
		if (strategy.getBucketShards().isEmpty()) {
			if (buckets < shards.size()) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".buckets", buckets,
						"Need at least one bucket per shard (" + shards.size() + " shards)");
			}
			return HashShardStrategy.evenlySpread(buckets, shards.ids());
		}
		String[] shardByBucket = new String[buckets];
		strategy.getBucketShards().forEach((range, shard) -> {
			String property = prefix + ".bucket-shards[" + range + "]";
			requireShard(property, shard, shards);
			int[] bounds = parseBucketRange(property, range, buckets);
			for (int bucket = bounds[0]; bucket <= bounds[1]; bucket++) {
				if (shardByBucket[bucket] != null) {
					throw new InvalidConfigurationPropertyValueException(property, shard,
							"Bucket " + bucket + " is already assigned to shard '" + shardByBucket[bucket] + "'");
				}
				shardByBucket[bucket] = shard;
			}
		});
		List<Integer> unassigned = new ArrayList<>();
		for (int bucket = 0; bucket < buckets; bucket++) {
			if (shardByBucket[bucket] == null) {
				unassigned.add(bucket);
			}
		}
		if (!unassigned.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".bucket-shards", null,
					unassigned.size() + " bucket(s) have no shard, starting with bucket " + unassigned.get(0));
		}
		return new HashShardStrategy(Arrays.asList(shardByBucket));
	}

	private static int[] parseBucketRange(String property, String range, int buckets) {
		String[] parts = range.split("-", 2);
		try {
			int from = Integer.parseInt(parts[0].trim());
			int to = (parts.length == 2) ? Integer.parseInt(parts[1].trim()) : from;
			if (from < 0 || to >= buckets || from > to) {
				throw new InvalidConfigurationPropertyValueException(property, range,
						"Bucket range must lie within 0-" + (buckets - 1));
			}
			return new int[] { from, to };
		}
		catch (NumberFormatException ex) {
			throw new InvalidConfigurationPropertyValueException(property, range,
					"Expected a bucket or an inclusive bucket range such as 0-511");
		}
	}

	private static ShardStrategy range(String name, String prefix, ShardwiseProperties.Strategy strategy,
			Shards shards) {
		if (strategy.getRanges().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".ranges", null,
					"A range strategy needs at least one range");
		}
		List<RangeShardStrategy.Range> ranges = new ArrayList<>();
		for (int i = 0; i < strategy.getRanges().size(); i++) {
			ShardwiseProperties.Range range = strategy.getRanges().get(i);
			String property = prefix + ".ranges[" + i + "]";
			requireShard(property + ".shard", range.getShard(), shards);
			try {
				ranges.add(new RangeShardStrategy.Range(range.getFrom(), range.getTo(), range.getShard()));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(property, range.getFrom() + ".." + range.getTo(),
						ex.getMessage());
			}
		}
		try {
			return new RangeShardStrategy(name, ranges);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".ranges", null, ex.getMessage());
		}
	}

	private static void requireShard(String property, String shard, Shards shards) {
		if (shard == null || !shards.contains(shard)) {
			throw new InvalidConfigurationPropertyValueException(property, shard,
					"No such shard; declared shards are " + shards.ids());
		}
	}

}
