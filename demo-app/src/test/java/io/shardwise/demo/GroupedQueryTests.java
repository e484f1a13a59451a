package io.shardwise.demo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.shardwise.ShardTemplate;
import io.shardwise.routing.ShardRoutingException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * Grouped and aggregate {@code @Query} methods without a shard key return what one
 * database holding all rows returns: the same groups once each (group key on and off the
 * shard key, groups of one shard only, NULL groups and NULL-only values, empty shards),
 * aggregates combined exactly (AVG from sums and counts), and the types one database
 * gives. What cannot be merged is refused before any shard runs. Subclasses provide the
 * shards and a single database with the same rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GroupedQueryTests {

	/** The SQL of {@link MeasurementStats#AGGREGATES} (JPQL's avg of an int is a double). */
	static final String AGGREGATES = "count(*), count(reading), sum(reading), min(reading), max(reading), "
			+ "avg(reading), sum(seq), avg(cast(seq as double precision)), sum(amount), min(amount), max(amount), "
			+ "avg(amount), min(city), max(label)";

	/** Positions of the averages in {@link #AGGREGATES}. */
	private static final Set<Integer> AVERAGES = Set.of(5, 7, 11);

	@Autowired
	MeasurementStats stats;

	@Autowired
	ShardTemplate shardTemplate;

	/** Fill the shards and the single database with the same rows. */
	abstract void load() throws Exception;

	/** Run SQL on the single database holding every row. */
	abstract List<List<Object>> truth(String sql, Object... args) throws Exception;

	@BeforeAll
	void loadRows() throws Exception {
		load();
	}

	@Test
	void groupedByTheShardKeyEqualsSingleDatabase() throws Exception {
		assertGroupsEqual("byRegion", this.stats.byRegion(),
				truth("select region, " + AGGREGATES + " from measurements group by region"), 1);
		assertTypesEqualOneShard(this.stats.byRegion(), this.shardTemplate.onShard("europe", (s) -> this.stats.byRegion()));
	}

	@Test
	void groupedOffTheShardKeyEqualsSingleDatabase() throws Exception {
		List<Object[]> byCity = this.stats.byCity();
		List<List<Object>> truthByCity = truth("select city, " + AGGREGATES + " from measurements group by city");
		assertGroupsEqual("byCity", byCity, truthByCity, 1);
		assertThat(truthByCity.stream().map((row) -> (String) row.get(0)))
			.as("cities of one shard only are among the groups")
			.anyMatch((city) -> city.startsWith("Only-"));
		assertTypesEqualOneShard(byCity, this.shardTemplate.onShard("europe", (s) -> this.stats.byCity()));
		List<List<Object>> truthByLabel = truth("select label, " + AGGREGATES + " from measurements group by label");
		assertThat(truthByLabel).as("a NULL group").anyMatch((row) -> row.get(0) == null);
		assertThat(truthByLabel).as("a group without readings")
			.anyMatch((row) -> MeasurementData.NO_READINGS.equals(row.get(0)) && row.get(4) == null);
		assertGroupsEqual("byLabel", this.stats.byLabel(), truthByLabel, 1);
	}

	@Test
	void twoGroupKeysWithFiltersAndEmptyResultsEqualSingleDatabase() throws Exception {
		for (int minSeq : new int[] { 0, 7, 20, 1000 }) {
			assertGroupsEqual("byLabelAndCity(" + minSeq + ")", this.stats.byLabelAndCity(minSeq),
					truth("select city, label, " + AGGREGATES
							+ " from measurements where seq >= ? group by label, city", minSeq),
					2);
		}
		assertThat(this.stats.byLabelAndCity(1000)).isEmpty();
	}

	@Test
	void ungroupedAggregatesAreOneRowLikeSingleDatabase() throws Exception {
		for (int minSeq : new int[] { 0, 15, 1000 }) {
			Object[] totals = onlyRow(this.stats.totals(minSeq));
			assertGroupsEqual("totals(" + minSeq + ")", List.<Object[]>of(totals),
					truth("select " + AGGREGATES + " from measurements where seq >= ?", minSeq), 0);
		}
		// Nothing anywhere: counts 0, every other aggregate NULL.
		assertThat(Arrays.asList(onlyRow(this.stats.totals(1000))).subList(0, 2)).containsExactly(0L, 0L);
		assertThat(Arrays.asList(onlyRow(this.stats.totals(1000))).subList(2, 14)).containsOnlyNulls();
		Object[] oneShard = this.shardTemplate.onShard("asia", (s) -> this.stats.totals(0));
		assertTypesEqualOneShard(List.<Object[]>of(onlyRow(this.stats.totals(0))), List.<Object[]>of(onlyRow(oneShard)));
		// A city on one shard: the other shards answer count 0 and NULLs.
		String onlyAsia = "Only-Asia-0";
		List<List<Object>> truth = truth(
				"select count(*), max(reading), avg(reading) from measurements where city = ?", onlyAsia);
		assertThat(((Number) truth.get(0).get(0)).longValue()).as("rows of " + onlyAsia).isPositive();
		assertGroupsEqual("cityTotals", List.<Object[]>of(onlyRow(this.stats.cityTotals(onlyAsia).orElseThrow())),
				truth, 0);
		assertThat(onlyRow(this.stats.cityTotals("Nowhere").orElseThrow())).containsExactly(0L, null, null);
	}

	/**
	 * Single results have the shape Spring Data JPA gives on one database: a row of
	 * several values declared {@code Object[]} comes wrapped in an array, one value
	 * declared {@code Object[]} comes as a one-element array, {@code Object} is the value
	 * or the row itself.
	 */
	@Test
	void singleResultsHaveTheShapeOfOneDatabase() {
		String city = "Only-Asia-0";
		List<java.util.function.Supplier<Object>> calls = List.of(() -> this.stats.hottestAsArray(),
				() -> this.stats.hottestAsObject(), () -> this.stats.totalsAsObject(),
				() -> this.stats.cityGroup(city), () -> this.stats.cityKeys(city), () -> this.stats.totals(0),
				() -> this.stats.cityTotals(city), () -> this.stats.meanReading(city), () -> this.stats.hottest(),
				() -> this.stats.unlabelled(), () -> this.stats.seqSumUnlabelled());
		for (int i = 0; i < calls.size(); i++) {
			java.util.function.Supplier<Object> call = calls.get(i);
			Object oneShard = this.shardTemplate.onShard("asia", (s) -> call.get());
			assertThat(shape(call.get())).as("call " + i).isEqualTo(shape(oneShard));
		}
		// The group of a city found on one shard: the same as that shard's answer.
		assertThat(this.stats.cityGroup(city))
			.isEqualTo(this.shardTemplate.onShard("asia", (s) -> this.stats.cityGroup(city)));
		assertThat(this.stats.cityGroup("Nowhere")).isNull();
	}

	/** The classes of a value and, for arrays, lists and optionals, of what they hold. */
	private static String shape(Object value) {
		if (value instanceof Object[] array) {
			return Arrays.stream(array).map(GroupedQueryTests::shape).toList() + "[]";
		}
		if (value instanceof List<?> list) {
			return "List" + list.stream().map(GroupedQueryTests::shape).toList();
		}
		if (value instanceof Optional<?> optional) {
			return "Optional(" + optional.map(GroupedQueryTests::shape).orElse("") + ")";
		}
		return (value != null) ? value.getClass().getSimpleName() : "null";
	}

	private static Object[] onlyRow(Object[] single) {
		assertThat(single).as("a single row of several values comes as an array holding it").hasSize(1);
		return (Object[]) single[0];
	}

	@Test
	void singleValuesEqualSingleDatabase() throws Exception {
		assertThat(this.stats.hottest())
			.isEqualTo(((Number) truth("select max(reading) from measurements").get(0).get(0)).doubleValue());
		for (String city : List.of("Paris", "Only-Asia-0", "Nowhere")) {
			Object mean = truth("select avg(reading) from measurements where city = ?", city).get(0).get(0);
			Optional<Double> merged = this.stats.meanReading(city);
			if (mean == null) {
				assertThat(merged).as(city).isEmpty();
			}
			else {
				assertThat(merged).as(city).hasValueSatisfying(
						(value) -> assertThat(value).isCloseTo(((Number) mean).doubleValue(), within(1e-9)));
			}
		}
		assertThat(this.stats.unlabelled())
			.isEqualTo(((Number) truth("select count(*) from measurements where label is null").get(0).get(0))
				.longValue());
		assertThat(this.stats.seqSumUnlabelled())
			.isEqualTo(((Number) truth("select sum(seq) from measurements where label is null").get(0).get(0))
				.longValue());
	}

	@Test
	void interfaceProjectionsHoldTheMergedGroups() throws Exception {
		List<Object[]> rows = new ArrayList<>();
		for (MeasurementStats.CityStats stats : this.stats.cityStats()) {
			rows.add(new Object[] { stats.getCity(), stats.getTotal(), stats.getMean(), stats.getLargest() });
		}
		assertGroupsEqual("cityStats", rows,
				truth("select city, count(*), avg(reading), max(amount) from measurements group by city"), 1, Set.of(2));
	}

	@Test
	void collectionShardKeysMergeTheirShardsGroups() throws Exception {
		assertGroupsEqual("meanByCityIn", this.stats.meanByCityIn(List.of("Asia", "Europe", "South America")),
				truth("select city, avg(reading) from measurements where region in (?, ?, ?) group by city", "Asia",
						"Europe", "South America"),
				1, Set.of(1));
		assertGroupsEqual("meanByCityIn one shard", this.stats.meanByCityIn(List.of("Asia")),
				truth("select city, avg(reading) from measurements where region = ? group by city", "Asia"), 1,
				Set.of(1));
		assertThat(this.stats.meanByCityIn(List.of())).isEmpty();
	}

	@Test
	void orderByOfSelectedValuesSortsTheMergedGroups() throws Exception {
		List<Object[]> byCount = this.stats.labelsByCount();
		List<List<Object>> truth = truth("select label, count(*), avg(reading) from measurements group by label "
				+ "order by count(*) desc, avg(reading) desc nulls last");
		assertGroupsEqual("labelsByCount", byCount, truth, 1, Set.of(2));
		// Ties may come in any order: compare the sort keys in order.
		assertThat(byCount.stream().map((row) -> row[1]).toList()).as("counts in order")
			.containsExactlyElementsOf(truth.stream().map((row) -> (Object) ((Number) row.get(1)).longValue()).toList());
		// No NULLS FIRST/LAST: NULLs go where the database puts them.
		List<Object[]> byHottest = this.stats.labelsByHottest();
		List<List<Object>> truthByHottest = truth(
				"select label, max(reading) from measurements group by label order by max(reading)");
		assertThat(byHottest.stream().map((row) -> row[1]).toList()).as("maxima in order")
			.containsExactlyElementsOf(truthByHottest.stream()
				.map((row) -> (row.get(1) != null) ? (Object) ((Number) row.get(1)).doubleValue() : null)
				.toList());
		assertGroupsEqual("labelsByHottest", byHottest, truthByHottest, 1, Set.of());
	}

	@Test
	void unmergeableQueriesAreRefusedBeforeAnyShardRuns() {
		assertRefused(this.stats::citiesWithSeveral, "citiesWithSeveral", "HAVING");
		assertRefused(this.stats::distinctCities, "distinctCities", "DISTINCT aggregate");
		assertRefused(this.stats::hottestByUnselectedGroups, "hottestByUnselectedGroups", "groups by m.city");
		assertRefused(this.stats::meansWithoutCity, "meansWithoutCity", "groups by m.city");
		assertRefused(this.stats::doubledSeqSum, "doubledSeqSum", "aggregate inside an expression");
		assertRefused(this.stats::nativeByCity, "nativeByCity", "native");
		assertRefused(this.stats::cityCounts, "cityCounts", "constructor expression");
		// On one shard they run as written.
		long distinctCities = this.shardTemplate.onShard("europe", (s) -> this.stats.distinctCities());
		assertThat(distinctCities).isPositive();
		List<Object[]> several = this.shardTemplate.onShard("europe", (s) -> this.stats.citiesWithSeveral());
		assertThat(several).isNotEmpty();
		List<Object[]> nativeRows = this.shardTemplate.onShard("europe", (s) -> this.stats.nativeByCity());
		assertThat(nativeRows).isNotEmpty();
	}

	private static void assertRefused(Executable call, String method, String reason) {
		assertThatExceptionOfType(ShardRoutingException.class).as(method).isThrownBy(call::execute)
			.withMessageContaining("MeasurementStats." + method)
			.withMessageContaining(reason)
			.withMessageContaining("ShardedJdbcTemplate.aggregate")
			.withMessageContaining("pass a @ShardKey or select a shard");
	}

	private static void assertGroupsEqual(String what, List<Object[]> actual, List<List<Object>> truth, int keys)
			throws Exception {
		Set<Integer> averages = new java.util.HashSet<>();
		AVERAGES.forEach((index) -> averages.add(index + keys));
		assertGroupsEqual(what, actual, truth, keys, averages);
	}

	/** The same groups (by their first {@code keys} values), each with the same values. */
	private static void assertGroupsEqual(String what, List<Object[]> actual, List<List<Object>> truth, int keys,
			Set<Integer> averages) {
		Map<List<Object>, Object[]> byKey = new LinkedHashMap<>();
		for (Object[] row : actual) {
			Object previous = byKey.put(Arrays.asList(row).subList(0, keys), row);
			assertThat(previous).as(what + ": group " + Arrays.asList(row).subList(0, keys) + " comes once").isNull();
		}
		assertThat(byKey.keySet()).as(what + ": groups")
			.containsExactlyInAnyOrderElementsOf(truth.stream().map((row) -> row.subList(0, keys)).toList());
		for (List<Object> expected : truth) {
			Object[] row = byKey.get(expected.subList(0, keys));
			assertThat(row).as(what + ": columns of " + expected).hasSize(expected.size());
			for (int c = keys; c < expected.size(); c++) {
				String description = what + ": group " + expected.subList(0, keys) + ", column " + c + ", actual "
						+ Arrays.toString(row) + ", truth " + expected;
				Object value = row[c];
				Object truthValue = expected.get(c);
				if (value == null || truthValue == null) {
					assertThat(value).as(description).isEqualTo(truthValue);
				}
				else if (averages.contains(c)) {
					assertThat(value).as(description + " type").isInstanceOf(Double.class);
					assertThat((Double) value).as(description)
						.isCloseTo(((Number) truthValue).doubleValue(), within(1e-9));
				}
				else if (truthValue instanceof BigDecimal decimal) {
					// Types are checked against one shard's answer (see assertTypesEqualOneShard):
					// a database's own SQL types differ (H2 sums doubles in DECFLOAT).
					assertThat(new BigDecimal(value.toString())).as(description).isEqualByComparingTo(decimal);
				}
				else if (truthValue instanceof Double || truthValue instanceof Float) {
					assertThat(((Number) value).doubleValue()).as(description)
						.isEqualTo(((Number) truthValue).doubleValue());
				}
				else if (truthValue instanceof Number number) {
					assertThat(((Number) value).longValue()).as(description).isEqualTo(number.longValue());
				}
				else {
					assertThat(Objects.equals(value, truthValue)).as(description).isTrue();
				}
			}
		}
	}

	/** Each column holds the type that the same query on one shard gives. */
	private static void assertTypesEqualOneShard(List<Object[]> merged, List<Object[]> oneShard) {
		assertThat(oneShard).isNotEmpty();
		int columns = oneShard.get(0).length;
		for (int c = 0; c < columns; c++) {
			Class<?> expected = null;
			for (Object[] row : oneShard) {
				if (row[c] != null) {
					expected = row[c].getClass();
				}
			}
			for (Object[] row : merged) {
				if (expected != null && row[c] != null) {
					assertThat(row[c]).as("column " + c + " of " + Arrays.toString(row)).isInstanceOf(expected);
				}
			}
		}
		List<Class<?>> types = new ArrayList<>();
		merged.forEach((row) -> types.add(row.getClass()));
		assertThat(types).containsOnly(Object[].class);
	}

}
