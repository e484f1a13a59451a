package io.shardwise.placement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of a bucket to shard map.
 *
 * @param version the version, 1 for the map seeded from configuration, one more per
 * switch
 * @param shardByBucket the shard id of each bucket
 */
public record PlacementMap(long version, List<String> shardByBucket) {

	public PlacementMap {
		shardByBucket = List.copyOf(shardByBucket);
	}

	/**
	 * Return the map as contiguous inclusive bucket ranges, in the form of the
	 * {@code bucket-shards} property ({@code "0-255" -> "shard-a"}).
	 * @param shardByBucket the shard id of each bucket
	 * @return shard ids by bucket range, in bucket order
	 */
	public static Map<String, String> ranges(List<String> shardByBucket) {
		Map<String, String> ranges = new LinkedHashMap<>();
		int start = 0;
		for (int bucket = 1; bucket <= shardByBucket.size(); bucket++) {
			if (bucket == shardByBucket.size() || !shardByBucket.get(bucket).equals(shardByBucket.get(start))) {
				ranges.put((start == bucket - 1) ? String.valueOf(start) : start + "-" + (bucket - 1),
						shardByBucket.get(start));
				start = bucket;
			}
		}
		return ranges;
	}

}
