package io.shardwise.demo;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.shardwise.jdbc.Aggregation;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.RowMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link ShardedJdbcTemplate} answers (aggregates, ordered merges, concatenations) equal
 * plain SQL on one database holding the same rows: COUNT and SUM add up, MIN and MAX take
 * the extreme, AVG comes from sums and counts, groups present on one shard only and NULL
 * groups and values included.
 */
@PropertyShards
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanOutAggregateTest {

	private static final String TRUTH = PropertyShards.TRUTH;

	/** Partial aggregates per shard, and the same aggregates over all rows in the truth. */
	private static final String SHARD_AGGREGATES = "count(*) as n, count(reading) as reading_count, "
			+ "sum(reading) as reading_sum, min(reading) as coldest, max(reading) as hottest, sum(seq) as seq_sum, "
			+ "sum(amount) as amount_sum, min(city) as first_city, max(label) as last_label";

	private static final String TRUTH_AGGREGATES = SHARD_AGGREGATES
			+ ", avg(reading) as mean, avg(cast(seq as double precision)) as seq_mean";

	private static final List<String> AGGREGATE_COLUMNS = List.of("n", "reading_count", "reading_sum", "coldest",
			"hottest", "seq_sum", "amount_sum", "first_city", "last_label", "mean", "seq_mean");

	@Autowired
	ShardedJdbcTemplate sharded;

	@Autowired
	MeasurementRepository repository;

	@BeforeAll
	void load() throws SQLException {
		PropertyShards.Loader.load(this.repository);
	}

	@Test
	void groupsByEachColumnEqualSingleDatabase() throws SQLException {
		// region: every group on one shard; city: shared and single-shard groups; label:
		// a NULL group and a group without any reading; two columns at once.
		for (String groupBy : List.of("region", "city", "label", "region, label", "label, city")) {
			assertAggregatesEqual(groupBy, "", List.of());
		}
	}

	@Test
	void groupsOfOneShardOnlyAndEmptyShardsEqualSingleDatabase() throws SQLException {
		String onlyAsia = "Only-Asia-0";
		assertThat(NamedShardDatabases.longs(TRUTH, "select count(*) from measurements where city = ?", onlyAsia)
			.get(0)).as("rows of a city found on one shard only").isPositive();
		assertAggregatesEqual("city", "where city like 'Only-%'", List.of());
		assertAggregatesEqual("", "where city = ?", List.of(onlyAsia));
		// Nothing matches anywhere: one row, count 0 and NULL everything else.
		assertAggregatesEqual("", "where seq > 1000", List.of());
		assertAggregatesEqual("", "", List.of());
	}

	@Test
	void aggregatesOfSomeShardsEqualSingleDatabaseOverTheirRows() throws SQLException {
		String sql = "select label, " + SHARD_AGGREGATES + " from measurements where region in (?, ?) group by label";
		List<Map<String, Object>> actual = this.sharded.onShardsOf(List.of("Asia", "South America"))
			.aggregate(sql, aggregation("label"), "Asia", "South America");
		assertRowsEqual("Asia and South America by label", actual, NamedShardDatabases.rows(TRUTH, "select label, "
				+ TRUTH_AGGREGATES + " from measurements where region in (?, ?) group by label order by label", "Asia",
				"South America"), "label");
	}

	@Test
	void orderedQueriesMergeLikeOneDatabase() throws SQLException {
		RowMapper<Object[]> mapper = (rs, row) -> new Object[] { rs.getLong("id"), rs.getObject("reading"),
				rs.getString("city") };
		// H2 sorts NULLs lowest: last in a descending order.
		Comparator<Object[]> byReadingDesc = Comparator
			.comparing((Object[] row) -> (Double) row[1], Comparator.nullsFirst(Comparator.<Double>naturalOrder())
				.reversed())
			.thenComparing((Object[] row) -> (String) row[2])
			.thenComparing((Object[] row) -> (Long) row[0]);
		for (int limit : new int[] { 1, 7, 50, 399, 400, 1000 }) {
			String order = " order by reading desc, city, id limit " + limit;
			List<Object[]> merged = this.sharded.onAllShards()
				.queryOrdered("select id, reading, city from measurements" + order, mapper, byReadingDesc, limit);
			assertThat(merged.stream().map((row) -> (Long) row[0]).toList()).as("limit " + limit)
				.containsExactlyElementsOf(
						NamedShardDatabases.longs(TRUTH, "select id from measurements" + order));
		}
	}

	@Test
	void plainQueriesConcatenateEveryShardsRows() throws SQLException {
		List<Long> all = this.sharded.onAllShards()
			.query("select id from measurements where label is null", (rs, row) -> rs.getLong(1));
		assertThat(all).containsExactlyInAnyOrderElementsOf(
				NamedShardDatabases.longs(TRUTH, "select id from measurements where label is null"));
		List<Long> europe = this.sharded.onShardsOf(List.of("Europe"))
			.query("select id from measurements where seq >= ?", (rs, row) -> rs.getLong(1), 10);
		assertThat(europe).containsExactlyInAnyOrderElementsOf(NamedShardDatabases.longs(TRUTH,
				"select id from measurements where seq >= ? and region = 'Europe'", 10));
	}

	private void assertAggregatesEqual(String groupBy, String where, List<Object> args) throws SQLException {
		String select = groupBy.isEmpty() ? "" : groupBy + ", ";
		String group = groupBy.isEmpty() ? "" : " group by " + groupBy;
		String[] groupColumns = groupBy.isEmpty() ? new String[0] : groupBy.split(",\\s*");
		List<Map<String, Object>> actual = this.sharded.onAllShards()
			.aggregate("select " + select + SHARD_AGGREGATES + " from measurements " + where + group,
					aggregation(groupColumns), args.toArray());
		List<List<Object>> expected = NamedShardDatabases.rows(TRUTH, "select " + select + TRUTH_AGGREGATES
				+ " from measurements " + where + group + (groupBy.isEmpty() ? "" : " order by " + groupBy),
				args.toArray());
		assertRowsEqual(groupBy + " " + where, actual, expected, groupColumns);
	}

	private static Aggregation aggregation(String... groupColumns) {
		return Aggregation.groupBy(groupColumns)
			.count("n")
			.count("reading_count")
			.sum("reading_sum")
			.min("coldest")
			.max("hottest")
			.sum("seq_sum")
			.sum("amount_sum")
			.min("first_city")
			.max("last_label")
			.avg("mean", "reading_sum", "reading_count")
			.avg("seq_mean", "seq_sum", "n");
	}

	private static void assertRowsEqual(String what, List<Map<String, Object>> actual, List<List<Object>> expected,
			String... groupColumns) {
		List<String> columns = new ArrayList<>(Arrays.asList(groupColumns));
		columns.addAll(AGGREGATE_COLUMNS);
		assertThat(actual).as(what + ": groups").hasSize(expected.size());
		for (int i = 0; i < expected.size(); i++) {
			Map<String, Object> row = actual.get(i);
			List<Object> truth = expected.get(i);
			for (int c = 0; c < columns.size(); c++) {
				String column = columns.get(c);
				Object value = row.get(column);
				Object expectedValue = truth.get(c);
				String description = what + ": row " + i + " " + truth.subList(0, groupColumns.length) + ", column "
						+ column + " (actual row " + row + ")";
				assertThat(row).as(description).containsKey(column);
				if (expectedValue == null || value == null) {
					assertThat(value).as(description).isEqualTo(expectedValue);
				}
				else if (column.endsWith("mean") || expectedValue instanceof Double) {
					// H2 computes AVG in DECFLOAT; the merge in double from sums and counts.
					assertThat(((Number) value).doubleValue()).as(description)
						.isCloseTo(((Number) expectedValue).doubleValue(), within(1e-9));
				}
				else if (expectedValue instanceof BigDecimal decimal) {
					assertThat(new BigDecimal(value.toString())).as(description).isEqualByComparingTo(decimal);
				}
				else if (expectedValue instanceof Number number) {
					assertThat(((Number) value).longValue()).as(description).isEqualTo(number.longValue());
					assertThat(value).as(description + " type").isInstanceOf(Long.class);
				}
				else {
					assertThat(Objects.equals(value, expectedValue)).as(description + ": " + value + " vs " + expectedValue)
						.isTrue();
				}
			}
		}
	}

}
