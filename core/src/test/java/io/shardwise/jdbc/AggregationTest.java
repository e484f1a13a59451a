package io.shardwise.jdbc;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link Aggregation} combines values as the database would: IEEE doubles for
 * floating-point columns, exact arithmetic for exact ones, NULLs ignored. (Merges against
 * real H2 and PostgreSQL databases are tested in the demo.)
 */
class AggregationTest {

	private final Aggregation aggregation = Aggregation.groupBy()
		.count("n")
		.sum("total")
		.min("low")
		.max("high")
		.avg("mean", "total", "n");

	@Test
	void nanOnOneShardMakesSumAndAverageNanAndMaxNan() {
		Map<String, Object> row = combine(row(2L, 3.5, 1.0, 2.5), row(1L, Double.NaN, Double.NaN, Double.NaN));
		assertThat((Double) row.get("total")).isNaN();
		assertThat((Double) row.get("mean")).isNaN();
		// NaN sorts above every number in PostgreSQL and H2: MIN skips it, MAX is it.
		assertThat(row.get("low")).isEqualTo(1.0);
		assertThat((Double) row.get("high")).isNaN();
	}

	@Test
	void infinitiesAddUpAsDoublesDo() {
		Map<String, Object> positive = combine(row(1L, Double.POSITIVE_INFINITY, 1.0, Double.POSITIVE_INFINITY),
				row(1L, 2.0, 2.0, 2.0));
		assertThat(positive.get("total")).isEqualTo(Double.POSITIVE_INFINITY);
		assertThat(positive.get("mean")).isEqualTo(Double.POSITIVE_INFINITY);
		Map<String, Object> both = combine(row(1L, Double.POSITIVE_INFINITY, 1.0, 1.0),
				row(1L, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0));
		assertThat((Double) both.get("total")).isNaN();
		assertThat(both.get("low")).isEqualTo(Double.NEGATIVE_INFINITY);
	}

	@Test
	void nullOnlyGroupsAndEmptyShardsStayNull() {
		Map<String, Object> row = combine(row(0L, null, null, null), row(0L, null, null, null));
		assertThat(row.get("n")).isEqualTo(0L);
		assertThat(row).containsEntry("total", null).containsEntry("mean", null).containsEntry("low", null);
		assertThat(this.aggregation.combine(List.of(List.of(), List.of()))).isEmpty();
	}

	@Test
	void exactColumnsStayExact() {
		Map<String, Object> row = combine(row(3L, new BigDecimal("0.1"), null, null),
				row(3L, new BigDecimal("0.2"), null, null));
		assertThat(row.get("total")).isEqualTo(new BigDecimal("0.3"));
		assertThat(row.get("mean")).isEqualTo(new BigDecimal("0.05"));
		Map<String, Object> integers = combine(row(1L, Long.MAX_VALUE, null, null), row(1L, 1L, null, null));
		assertThat(integers.get("total")).isEqualTo(new BigDecimal(Long.MAX_VALUE).add(BigDecimal.ONE));
		assertThat(integers.get("n")).isEqualTo(2L);
	}

	private Map<String, Object> combine(Map<String, Object> first, Map<String, Object> second) {
		List<Map<String, Object>> rows = this.aggregation.combine(List.of(List.of(first), List.of(second)));
		assertThat(rows).hasSize(1);
		return rows.get(0);
	}

	private static Map<String, Object> row(Long n, Object total, Object low, Object high) {
		Map<String, Object> row = new HashMap<>();
		row.put("n", n);
		row.put("total", total);
		row.put("low", low);
		row.put("high", high);
		return row;
	}

}
