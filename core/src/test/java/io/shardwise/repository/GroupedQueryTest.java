package io.shardwise.repository;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How {@link GroupedQuery} reads JPQL, rewrites it for the shards and merges their rows,
 * without a database (the demo's grouped query tests run it on H2 and PostgreSQL).
 */
class GroupedQueryTest {

	@Test
	void plainQueriesAreNotGrouped() {
		assertThat(plan("rows", "select r from Report r where r.city = ?1")).isNull();
		assertThat(plan("rows", "select r.city, r.temperature from Report r")).isNull();
		// An aggregate inside a subquery belongs to the subquery.
		assertThat(plan("rows", "select r.city, (select max(o.t) from Other o) from Report r")).isNull();
		assertThat(plan("rows", "select r from Report r where r.t > (select avg(o.t) from Report o)")).isNull();
	}

	@Test
	void existenceChecksStayBooleans() {
		// Any shard's true is the answer, as for every boolean result.
		assertThat(plan("any", "select count(r) > 0 from Report r where r.c = ?1")).isNull();
		// Not an existence check: 3 + 3 rows on two shards are more than 5, neither shard alone.
		assertRefused("any", "select count(r) > 5 from Report r where r.c = ?1", "aggregate inside an expression");
		assertRefused("any", "select count(r) > 0 from Report r group by r.c", "aggregate inside an expression");
		assertRefused("any", "select count(r) from Report r", "returns boolean");
	}

	@Test
	void averagesAreRewrittenIntoSumsAndCounts() {
		GroupedQuery query = plan("rowsOf",
				"select r.continent, count(r), avg(r.temperature) as mean from Report r where r.x = :x "
						+ "group by r.continent order by mean desc");
		assertThat(query.refusal()).isNull();
		assertThat(query.shardQuery()).isEqualTo("select r.continent, count(r), sum(r.temperature), "
				+ "count(r.temperature) from Report r where r.x = :x group by r.continent");
	}

	@Test
	void groupByAnAliasKeepsTheAliasInTheShardQuery() {
		GroupedQuery query = plan("rows", "select r.location.continent as continent, max(r.t) as hottest, "
				+ "avg(r.t) as mean from Report r group by continent order by continent");
		assertThat(query.refusal()).isNull();
		assertThat(query.shardQuery()).isEqualTo("select r.location.continent as continent, max(r.t) as hottest, "
				+ "sum(r.t), count(r.t) from Report r group by continent");
	}

	@Test
	void rowsOfTheSameGroupCombine() {
		GroupedQuery query = plan("rows",
				"select r.continent, count(r), sum(r.n), min(r.t), max(r.t), avg(r.t) from Report r group by r.continent");
		// Shard columns: continent, count, sum(n), min, max, sum(t), count(t).
		List<Object[]> asia = List.of(row("Asia", 2L, 10L, 1.0, 3.0, 4.0, 2L), row(null, 1L, 1L, null, null, null, 0L));
		List<Object[]> europe = List.of(row("Europe", 1L, 5L, 7.0, 7.0, 7.0, 1L), row("Asia", 3L, 2L, -1.0, 2.0, 2.0, 2L),
				row(null, 2L, 4L, 5.0, 5.0, 5.0, 1L));
		@SuppressWarnings("unchecked")
		List<Object[]> merged = (List<Object[]>) query.merge("m", List.of(asia, europe, List.of()),
				EntityOrder.NullOrdering.LOW);
		assertThat(merged).extracting(Arrays::asList)
			.containsExactly(List.of("Asia", 5L, 12L, -1.0, 3.0, 1.5), Arrays.asList(null, 3L, 5L, 5.0, 5.0, 5.0),
					List.of("Europe", 1L, 5L, 7.0, 7.0, 7.0));
	}

	@Test
	void sumsKeepTheirTypeAndAveragesAreExact() {
		GroupedQuery query = plan("rows", "select r.c, sum(r.amount), avg(r.amount), avg(r.n) from Report r group by r.c");
		List<Object[]> one = List.<Object[]>of(row("x", new BigDecimal("0.10"), new BigDecimal("0.10"), 1L, 1L, 1L));
		List<Object[]> two = List.<Object[]>of(row("x", new BigDecimal("0.20"), new BigDecimal("0.20"), 2L, 6L, 3L));
		@SuppressWarnings("unchecked")
		List<Object[]> merged = (List<Object[]>) query.merge("m", List.of(one, two), EntityOrder.NullOrdering.LOW);
		assertThat(merged.get(0)[1]).isEqualTo(new BigDecimal("0.30"));
		assertThat(merged.get(0)[2]).isEqualTo(0.1);
		// Never an average of averages: (1 + 6) / (1 + 3) = 1.75, not (1/1 + 6/3) / 2 = 1.5.
		assertThat(merged.get(0)[3]).isEqualTo(1.75);
	}

	@Test
	void ungroupedAggregatesAreOneRowEvenOverNoRows() {
		GroupedQuery query = plan("row", "select count(r), max(r.t), avg(r.t) from Report r");
		Object merged = query.merge("m", List.of(), EntityOrder.NullOrdering.LOW);
		assertThat((Object[]) merged).hasSize(1);
		assertThat((Object[]) ((Object[]) merged)[0]).containsExactly(0L, null, null);
		assertThat(plan("max", "select max(r.t) from Report r")
			.merge("m", List.of(List.<Object[]>of(row(1.5)), List.<Object[]>of(row(2.5))), EntityOrder.NullOrdering.LOW))
			.isEqualTo(2.5);
		assertThat(plan("count", "select count(r) from Report r")
			.merge("m", List.of(List.<Object[]>of(row(2L)), List.<Object[]>of(row(3L))), EntityOrder.NullOrdering.LOW))
			.isEqualTo(5);
		assertThat(plan("mean", "select avg(r.t) from Report r")
			.merge("m", List.of(List.<Object[]>of(row(null, 0L))), EntityOrder.NullOrdering.LOW))
			.isEqualTo(Optional.empty());
	}

	@Test
	void severalGroupsForASingleResultFailLikeOneDatabase() {
		GroupedQuery query = plan("row", "select r.c, count(r) from Report r group by r.c");
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class).isThrownBy(() -> query.merge("m",
				List.of(List.<Object[]>of(row("a", 1L)), List.<Object[]>of(row("b", 1L))), EntityOrder.NullOrdering.LOW));
		Object single = query.merge("m", List.of(List.<Object[]>of(row("a", 1L)), List.<Object[]>of(row("a", 2L))),
				EntityOrder.NullOrdering.LOW);
		assertThat((Object[]) ((Object[]) single)[0]).containsExactly("a", 3L);
	}

	@Test
	void orderByOfSelectedValuesPlacesNullsAsTheDatabaseDoes() {
		GroupedQuery query = plan("rows", "select r.c, max(r.t) from Report r group by r.c order by max(r.t) desc, r.c");
		List<Object[]> one = List.of(row("a", 1.0), row("b", null), row("c", 3.0));
		List<Object[]> two = List.of(row("d", 3.0), row("a", 5.0));
		assertThat(keys(query.merge("m", List.of(one, two), EntityOrder.NullOrdering.LOW))).containsExactly("a", "c",
				"d", "b");
		assertThat(keys(query.merge("m", List.of(one, two), EntityOrder.NullOrdering.HIGH))).containsExactly("b", "a",
				"c", "d");
		GroupedQuery nullsLast = plan("rows", "select r.c, max(r.t) as hottest from Report r group by r.c "
				+ "order by hottest desc nulls last");
		assertThat(keys(nullsLast.merge("m", List.of(one, two), EntityOrder.NullOrdering.HIGH)).get(3)).isEqualTo("b");
	}

	@Test
	void parametersBindByPositionAndName() {
		GroupedQuery query = plan("byCityAndSeq",
				"select count(r) from Report r where r.city = :city and r.seq > ?2 and r.city <> ':not' and r.c = :city");
		assertThat(query.refusal()).isNull();
		assertThat(query.bindings()).containsExactly(new GroupedQuery.Binding("city", -1, 0),
				new GroupedQuery.Binding(null, 2, 1));
		assertThat(plan("byCityAndSeq", "select count(r) from Report r where r.city = :town").refusal())
			.contains(":town");
	}

	@Test
	void whatCannotBeMergedIsRefusedWithWhatToDo() {
		assertRefused("rows", "select r.c, count(r) from Report r group by r.c having count(r) > 1", "HAVING");
		assertRefused("count", "select count(distinct r.c) from Report r", "DISTINCT aggregate");
		assertRefused("rows", "select max(r.t) from Report r group by r.c", "groups by r.c, which it does not select");
		assertRefused("rows", "select r.c, r.d, count(r) from Report r group by r.c", "selects r.d");
		assertRefused("count", "select count(r) * 2 from Report r", "aggregate inside an expression");
		assertRefused("count", "select coalesce(sum(r.n), 0) from Report r", "aggregate inside an expression");
		assertRefused("rows", "select new com.example.Row(r.c, count(r)) from Report r group by r.c",
				"constructor expression");
		assertRefused("rows", "select r.c, count(r) from Report r group by r.c order by r.d", "orders by r.d");
		assertRefused("rows", "select r.c, count(r) from Report r group by r.c order by 2", "orders by 2");
		assertRefused("rows", "select r.c, count(r) from Report r group by r.c limit 3", "LIMIT");
		assertRefused("rows", "select r.c, count(r) from Report r group by rollup(r.c)",
				"neither an aggregate nor a GROUP BY item");
		assertRefused("page", "select r.c, count(r) from Report r group by r.c", "Page");
		assertRefused("sorted", "select r.c, count(r) from Report r group by r.c", "Sort");
		assertRefused("names", "select r.c, count(r) from Report r group by r.c", "declares String");
		assertRefused("rows", "select r.c, count(r) from Report r where r.c like %:c% group by r.c", "LIKE");
		assertRefused("rows", "select r.c, count(r) from Report r where r.c = :#{#c} group by r.c", "SpEL");
		assertRefused("rows", "select r.c, count(r) from Report r where r.c = 'open group by r.c", "cannot be read");
		GroupedQuery nativeQuery = GroupedQuery.of(method("rows"), "select city, count(*) from reports group by city",
				true, RepositoryMethod.Shape.LIST, "Report");
		assertThat(nativeQuery.refusal()).contains("native").contains("ShardedJdbcTemplate.aggregate");
		assertThat(GroupedQuery.of(method("rows"), "select * from reports", true, RepositoryMethod.Shape.LIST,
				"Report")).isNull();
		// A native count is summed, as any count.
		assertThat(GroupedQuery.of(method("count"), "select count(*) from reports where city = ?1", true,
				RepositoryMethod.Shape.NUMBER, "Report")).isNull();
		assertThat(GroupedQuery.of(method("count"), "select count(distinct city) from reports", true,
				RepositoryMethod.Shape.NUMBER, "Report").refusal()).contains("native");
	}

	@Test
	void rowsBecomeInterfaceProjectionsOfTheAliases() {
		GroupedQuery query = plan("counts", "select r.c as c, count(r) as n from Report r group by r.c");
		@SuppressWarnings("unchecked")
		List<Counted> merged = (List<Counted>) query.merge("m",
				List.of(List.<Object[]>of(row("a", 1L)), List.<Object[]>of(row("a", 2L), row("b", 4L))),
				EntityOrder.NullOrdering.LOW);
		assertThat(merged).extracting(Counted::getC, Counted::getN)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("a", 3), org.assertj.core.groups.Tuple.tuple("b", 4));
		assertRefused("counts", "select r.c, count(r) as n from Report r group by r.c", "without an alias");
	}

	@Test
	void entityNameExpressionIsTheEntityName() {
		assertThat(plan("count", "select count(e) from #{#entityName} e").shardQuery())
			.isEqualTo("select count(e) from Report e");
	}

	private static void assertRefused(String method, String query, String reason) {
		GroupedQuery plan = plan(method, query);
		assertThat(plan).as(query).isNotNull();
		assertThat(plan.refusal()).as(query).contains(reason);
	}

	private static GroupedQuery plan(String method, String query) {
		Method m = method(method);
		return GroupedQuery.of(m, query, false, RepositoryMethod.Shape.of(m.getReturnType()), "Report");
	}

	private static Method method(String name) {
		return Arrays.stream(Stats.class.getMethods())
			.filter((m) -> m.getName().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static Object[] row(Object... values) {
		return values;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> keys(Object rows) {
		return ((List<Object[]>) rows).stream().map((row) -> row[0]).toList();
	}

	interface Stats {

		List<Object[]> rows();

		List<Object[]> rowsOf(String x);

		Object[] row();

		Double max();

		int count();

		Optional<Double> mean();

		long byCityAndSeq(String city, int seq);

		org.springframework.data.domain.Page<Object[]> page();

		List<Object[]> sorted(Sort sort);

		List<String> names();

		boolean any(String c);

		List<Counted> counts();

	}

	interface Counted {

		String getC();

		int getN();

	}

}
