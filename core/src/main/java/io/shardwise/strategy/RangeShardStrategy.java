package io.shardwise.strategy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.shardwise.routing.UnknownShardKeyException;

/**
 * Maps numeric keys to shards by ranges, each from an inclusive lower bound to an
 * exclusive upper bound; either bound may be open. Ranges must not overlap.
 */
public final class RangeShardStrategy implements ShardStrategy {

	private final String name;

	private final Range[] ranges;

	/**
	 * Create a range strategy.
	 * @param name the strategy name, used in error messages
	 * @param ranges the ranges, in any order
	 * @throws IllegalArgumentException if two ranges overlap
	 */
	public RangeShardStrategy(String name, List<Range> ranges) {
		this.name = name;
		List<Range> sorted = new ArrayList<>(ranges);
		sorted.sort(Comparator.comparingLong(Range::lowerBound));
		for (int i = 1; i < sorted.size(); i++) {
			Range previous = sorted.get(i - 1);
			Range next = sorted.get(i);
			if (previous.to() == null || next.lowerBound() < previous.to()) {
				throw new IllegalArgumentException("Range " + previous + " overlaps range " + next);
			}
		}
		this.ranges = sorted.toArray(Range[]::new);
	}

	@Override
	public String shardFor(Object key) {
		long value = toLong(key);
		for (Range range : this.ranges) {
			if (range.contains(value)) {
				return range.shard();
			}
		}
		throw new UnknownShardKeyException(this.name, key, "no range covers it");
	}

	private long toLong(Object key) {
		if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
			return ((Number) key).longValue();
		}
		// Anything else must denote a whole number within long range exactly: no truncation
		// of 99.5 to 99, no wrap-around of 2^64 + 5 to 5.
		try {
			return new BigDecimal(key.toString()).longValueExact();
		}
		catch (NumberFormatException | ArithmeticException ex) {
			throw new UnknownShardKeyException(this.name, key, "range keys must be whole numbers within long range");
		}
	}

	public List<Range> getRanges() {
		return List.of(this.ranges);
	}

	/**
	 * A key range and its shard.
	 *
	 * @param from the inclusive lower bound, or {@code null} for no lower bound
	 * @param to the exclusive upper bound, or {@code null} for no upper bound
	 * @param shard the shard id
	 */
	public record Range(Long from, Long to, String shard) {

		public Range {
			if (from != null && to != null && from >= to) {
				throw new IllegalArgumentException("Range [" + from + ", " + to + ") is empty");
			}
		}

		long lowerBound() {
			return (this.from != null) ? this.from : Long.MIN_VALUE;
		}

		boolean contains(long value) {
			return value >= lowerBound() && (this.to == null || value < this.to);
		}

		@Override
		public String toString() {
			return "[" + ((this.from != null) ? this.from : "-inf") + ", "
					+ ((this.to != null) ? this.to : "+inf") + ") -> " + this.shard;
		}

	}

}
