package io.shardwise.strategy;

import java.math.BigInteger;
import java.util.List;

import io.shardwise.routing.UnknownShardKeyException;
import io.shardwise.strategy.RangeShardStrategy.Range;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RangeShardStrategyTest {

	private final RangeShardStrategy strategy = new RangeShardStrategy("ids",
			List.of(new Range(100L, 200L, "b"), new Range(0L, 100L, "a"), new Range(300L, null, "c")));

	@Test
	void lowerBoundIsInclusiveAndUpperBoundExclusive() {
		assertThat(this.strategy.shardFor(0L)).isEqualTo("a");
		assertThat(this.strategy.shardFor(99L)).isEqualTo("a");
		assertThat(this.strategy.shardFor(100L)).isEqualTo("b");
		assertThat(this.strategy.shardFor(199L)).isEqualTo("b");
		assertThat(this.strategy.shardFor(300L)).isEqualTo("c");
	}

	@Test
	void acceptsAnyIntegralNumberType() {
		assertThat(this.strategy.shardFor(5)).isEqualTo("a");
		assertThat(this.strategy.shardFor((short) 150)).isEqualTo("b");
		assertThat(this.strategy.shardFor(BigInteger.valueOf(400))).isEqualTo("c");
	}

	@Test
	void openEndedRangesCoverTheExtremes() {
		RangeShardStrategy open = new RangeShardStrategy("open",
				List.of(new Range(null, 0L, "negative"), new Range(0L, null, "positive")));
		assertThat(open.shardFor(Long.MIN_VALUE)).isEqualTo("negative");
		assertThat(open.shardFor(-1L)).isEqualTo("negative");
		assertThat(open.shardFor(0L)).isEqualTo("positive");
		assertThat(open.shardFor(Long.MAX_VALUE)).isEqualTo("positive");
	}

	@Test
	void fullyOpenRangeCoversEverything() {
		RangeShardStrategy all = new RangeShardStrategy("all", List.of(new Range(null, null, "only")));
		assertThat(all.shardFor(Long.MIN_VALUE)).isEqualTo("only");
		assertThat(all.shardFor(0)).isEqualTo("only");
		assertThat(all.shardFor(Long.MAX_VALUE)).isEqualTo("only");
	}

	@Test
	void explicitUpperBoundOfLongMaxValueExcludesIt() {
		RangeShardStrategy bounded = new RangeShardStrategy("bounded", List.of(new Range(0L, Long.MAX_VALUE, "a")));
		assertThat(bounded.shardFor(Long.MAX_VALUE - 1)).isEqualTo("a");
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> bounded.shardFor(Long.MAX_VALUE));
	}

	@Test
	void overlappingRangesAreRejectedNamingBoth() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RangeShardStrategy("s",
					List.of(new Range(50L, 150L, "y"), new Range(0L, 100L, "x"))))
			.withMessageContaining("[0, 100) -> x")
			.withMessageContaining("[50, 150) -> y");
	}

	@Test
	void overlappingOpenEndedRangesAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RangeShardStrategy("s",
					List.of(new Range(null, 10L, "x"), new Range(null, 5L, "y"))))
			.withMessageContaining("-inf");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RangeShardStrategy("s",
					List.of(new Range(0L, null, "x"), new Range(10L, 20L, "y"))))
			.withMessageContaining("[0, +inf) -> x")
			.withMessageContaining("[10, 20) -> y");
	}

	@Test
	void rangeContainedInAnotherIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RangeShardStrategy("s",
				List.of(new Range(0L, 100L, "x"), new Range(10L, 20L, "y"), new Range(200L, 300L, "z"))));
	}

	@Test
	void rangeStartingAtLongMaxValueOverlapsOpenEndedRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RangeShardStrategy("s",
				List.of(new Range(0L, null, "x"), new Range(Long.MAX_VALUE, null, "y"))));
	}

	@Test
	void adjacentRangesAreAllowed() {
		RangeShardStrategy adjacent = new RangeShardStrategy("s",
				List.of(new Range(10L, 20L, "y"), new Range(null, 10L, "x"), new Range(20L, null, "z")));
		assertThat(adjacent.shardFor(9L)).isEqualTo("x");
		assertThat(adjacent.shardFor(10L)).isEqualTo("y");
		assertThat(adjacent.shardFor(19L)).isEqualTo("y");
		assertThat(adjacent.shardFor(20L)).isEqualTo("z");
		assertThat(adjacent.getRanges()).extracting(Range::shard).containsExactly("x", "y", "z");
	}

	@Test
	void emptyRangeIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Range(5L, 5L, "x")).withMessageContaining("empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new Range(6L, 5L, "x")).withMessageContaining("empty");
	}

	@Test
	void nonNumericStringKeyIsUnknown() {
		UnknownShardKeyException ex = catchThrowableOfType(UnknownShardKeyException.class,
				() -> this.strategy.shardFor("forty-two"));
		assertThat(ex).isNotNull();
		assertThat(ex.getStrategy()).isEqualTo("ids");
		assertThat(ex.getKey()).isEqualTo("forty-two");
		assertThat(ex.getMessage()).contains("'ids'").contains("[forty-two]").contains("whole numbers");
	}

	@Test
	void decimalStringKeyIsUnknown() {
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> this.strategy.shardFor("4.5"));
	}

	@Test
	void numericStringKeyIsAccepted() {
		assertThat(this.strategy.shardFor("42")).isEqualTo("a");
		assertThat(this.strategy.shardFor("150")).isEqualTo("b");
	}

	@Test
	void keyInGapIsUnknown() {
		UnknownShardKeyException ex = catchThrowableOfType(UnknownShardKeyException.class,
				() -> this.strategy.shardFor(250L));
		assertThat(ex).isNotNull();
		assertThat(ex.getKey()).isEqualTo(250L);
		assertThat(ex.getMessage()).contains("[250]").contains("no range covers it");
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> this.strategy.shardFor(-1L));
	}

	@Test
	void fractionalNumberKeyIsRejectedLikeFractionalString() {
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> this.strategy.shardFor(99.5d));
	}

	@Test
	void bigIntegerBeyondLongRangeIsRejected() {
		BigInteger huge = BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(5));
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> this.strategy.shardFor(huge));
	}

}
