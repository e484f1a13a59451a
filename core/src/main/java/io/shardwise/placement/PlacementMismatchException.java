package io.shardwise.placement;

import java.util.List;

/**
 * Thrown at startup when the configured {@code bucket-shards} of a placed strategy differ
 * from the stored map: Shardwise never re-routes silently. Set {@code bucket-shards} to
 * the stored map shown in the message (the map after the moves made so far).
 */
public class PlacementMismatchException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	PlacementMismatchException(String strategy, List<String> configured, PlacementMap stored) {
		super("The configured buckets of strategy '" + strategy + "' differ from its stored placement (version "
				+ stored.version() + "). Configured shardwise.strategies." + strategy + ".bucket-shards: "
				+ PlacementMap.ranges(configured) + "; stored: " + PlacementMap.ranges(stored.shardByBucket())
				+ ". Set bucket-shards to the stored map (buckets move only through ShardMover)");
	}

}
