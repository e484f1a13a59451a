package io.shardwise.demo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import io.shardwise.fanout.ShardFanOutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Property-style correctness of merged fan-out results: for random sorts, pages, limits
 * and keyset windows, an unkeyed repository call on the four shards returns exactly what
 * plain SQL returns on one database holding the same rows (ids in order, totals).
 */
@PropertyShards
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanOutPropertyTest {

	private static final String TRUTH = PropertyShards.TRUTH;

	/** The seq of the rows that only the deep page test adds, and from which it removes them. */
	private static final int SKEWED_SEQ = 1000;

	/** Sortable properties: name (= column), whether text, whether nullable. */
	private static final List<Column> COLUMNS = List.of(new Column("id", false, false),
			new Column("region", true, false), new Column("city", true, false), new Column("label", true, true),
			new Column("reading", false, true), new Column("seq", false, false), new Column("amount", false, false));

	/** Sorted by in the deep page test only (column measured_at). */
	private static final Column MEASURED_AT = new Column("measuredAt", false, false);

	@Autowired
	MeasurementQueries queries;

	@Autowired
	MeasurementRepository repository;

	@Autowired
	FanOutCounter fanOuts;

	private long seed;

	@BeforeAll
	void load() throws SQLException {
		this.seed = PropertyShards.Loader.load(this.repository).seed();
	}

	@Test
	void sortedListsEqualSingleDatabase() throws SQLException {
		Random random = random(1);
		for (int i = 0; i < 40; i++) {
			int minSeq = minSeq(random);
			Sort sort = randomSort(random, false);
			String what = describe(i, "findBySeqGreaterThanEqual(" + minSeq + ", " + sort + ")");
			assertThat(ids(this.queries.findBySeqGreaterThanEqual(minSeq, sort))).as(what)
				.containsExactlyElementsOf(truth(minSeq, sort, -1, 0));
		}
	}

	@Test
	void unsortedListsHoldTheSameRows() throws SQLException {
		Random random = random(2);
		for (int i = 0; i < 10; i++) {
			int minSeq = minSeq(random);
			int limit = 1 + random.nextInt(30);
			List<Long> all = truth(minSeq, Sort.unsorted(), -1, 0);
			assertThat(ids(this.queries.findBySeqGreaterThanEqual(minSeq))).as(describe(i, "unsorted " + minSeq))
				.containsExactlyInAnyOrderElementsOf(all);
			List<Long> limited = ids(this.queries.findBySeqGreaterThanEqual(minSeq, Sort.unsorted(), Limit.of(limit)));
			assertThat(limited).as(describe(i, "unsorted " + minSeq + " limit " + limit))
				.hasSize(Math.min(limit, all.size()))
				.doesNotHaveDuplicates()
				.isSubsetOf(all);
		}
	}

	@Test
	void topNAndLimitsEqualSingleDatabase() throws SQLException {
		Random random = random(3);
		for (int i = 0; i < 40; i++) {
			int minSeq = minSeq(random);
			Sort sort = randomSort(random, false);
			int limit = 1 + random.nextInt(random.nextBoolean() ? 10 : 150);
			assertThat(ids(this.queries.findBySeqGreaterThanEqual(minSeq, sort, Limit.of(limit))))
				.as(describe(i, "findBySeqGreaterThanEqual(" + minSeq + ", " + sort + ", Limit " + limit + ")"))
				.containsExactlyElementsOf(truth(minSeq, sort, limit, 0));
			assertThat(ids(this.queries.findFirst5BySeqGreaterThanEqual(minSeq, sort)))
				.as(describe(i, "findFirst5BySeqGreaterThanEqual(" + minSeq + ", " + sort + ")"))
				.containsExactlyElementsOf(truth(minSeq, sort, 5, 0));
			// No Sort argument carries the id tiebreak to the shards here, so rows that tie on
			// (reading, city) may come in any order (see the disabled test below): compare keys.
			List<List<Object>> top7 = this.queries.findTop7BySeqGreaterThanEqualOrderByReadingDescCityAsc(minSeq)
				.stream()
				.map((m) -> Arrays.<Object>asList(m.getReading(), m.getCity()))
				.toList();
			assertThat(top7).as(describe(i, "findTop7BySeqGreaterThanEqualOrderByReadingDescCityAsc(" + minSeq + ")"))
				.containsExactlyElementsOf(NamedShardDatabases.rows(TRUTH, "select reading, city from measurements "
						+ "where seq >= ? order by reading desc, city asc limit 7", minSeq));
		}
	}

	/**
	 * An order given only by the method name cannot carry the id to the shards, so ties
	 * come in shard order (documented): the three tied rows all come from the first shard
	 * in declaration order that holds ties (Asia, ahead of Europe).
	 */
	@Test
	void derivedOrderByLeavesTiesInShardOrder() throws SQLException {
		List<Measurement> tied = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			tied.add(new Measurement((i % 2 == 0) ? "Asia" : "Europe", "T-Tie", null, 1.0, -1, java.math.BigDecimal.ONE));
		}
		this.repository.saveAll(tied);
		try {
			List<Measurement> top3 = this.queries.findTop3BySeqOrderByReadingDesc(-1);
			assertThat(top3).hasSize(3).allSatisfy((m) -> {
				assertThat(m.getReading()).isEqualTo(1.0);
				assertThat(m.getRegion()).isEqualTo("Asia");
			});
		}
		finally {
			this.repository.deleteAll(tied);
		}
	}

	@Test
	void orderedSingleResultsAreTheFirstInOrder() throws SQLException {
		Random random = random(4);
		for (int i = 0; i < 20; i++) {
			int minSeq = minSeq(random);
			Sort sort = randomSort(random, false);
			List<Long> first = truth(minSeq, sort, 1, 0);
			assertThat(this.queries.findFirstBySeqGreaterThanEqual(minSeq, sort).map(Measurement::getId))
				.as(describe(i, "findFirstBySeqGreaterThanEqual(" + minSeq + ", " + sort + ")"))
				.isEqualTo(first.stream().findFirst());
			// An order from the method name leaves ties in shard order: compare the sort key.
			Measurement top = this.queries.findTopBySeqGreaterThanEqualOrderByLabelDesc(minSeq);
			assertThat(Optional.ofNullable(top).map((m) -> Arrays.<Object>asList(m.getLabel())))
				.as(describe(i, "findTopBySeqGreaterThanEqualOrderByLabelDesc(" + minSeq + ")"))
				.isEqualTo(NamedShardDatabases.rows(TRUTH,
						"select label from measurements where seq >= ? order by label desc limit 1", minSeq)
					.stream()
					.findFirst());
		}
	}

	@Test
	void singleResultsComeFromTheOneShardThatHasThem() throws SQLException {
		Random random = random(5);
		int[] seen = new int[4];
		for (int i = 0; i < 60; i++) {
			String city = MeasurementData.CITIES.get(random.nextInt(MeasurementData.CITIES.size()));
			int seq = random.nextInt(21);
			List<Long> matches = NamedShardDatabases.longs(TRUTH,
					"select id from measurements where city = ? and seq = ?", city, seq);
			List<Long> perShard = NamedShardDatabases.longs(TRUTH,
					"select count(*) from measurements where city = ? and seq = ? group by region", city, seq);
			String what = describe(i, "findByCityAndSeq(" + city + ", " + seq + ") with matching rows per shard "
					+ perShard);
			if (matches.size() <= 1) {
				seen[matches.size()]++;
				assertThat(this.queries.findByCityAndSeq(city, seq).map(Measurement::getId)).as(what)
					.isEqualTo(matches.stream().findFirst());
			}
			else if (perShard.stream().allMatch((count) -> count == 1)) {
				seen[2]++;
				assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class).as(what)
					.isThrownBy(() -> this.queries.findByCityAndSeq(city, seq))
					.withMessageContaining(perShard.size() + " shards");
			}
			else {
				// Several rows on one shard: that shard's own query fails, and the fan-out
				// reports it as that shard's failure (see the disabled test below).
				seen[3]++;
				Throwable thrown = catchThrowable(() -> this.queries.findByCityAndSeq(city, seq));
				assertThat(thrown).as(what).isInstanceOfAny(IncorrectResultSizeDataAccessException.class,
						ShardFanOutException.class);
				assertThat(causedBy(thrown, IncorrectResultSizeDataAccessException.class)).as(what).isTrue();
			}
		}
		assertThat(seen).as("cases with 0, 1, one-per-shard and several-on-one-shard matches").doesNotContain(0);
	}

	@Test
	void severalRowsOnOneShardFailLikeOneDatabase() throws SQLException {
		List<List<Object>> duplicated = NamedShardDatabases.rows(TRUTH, "select city, seq from measurements "
				+ "group by region, city, seq having count(*) > 1 order by city, seq limit 1");
		assertThat(duplicated).isNotEmpty();
		String city = (String) duplicated.get(0).get(0);
		int seq = ((Number) duplicated.get(0).get(1)).intValue();
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class)
			.isThrownBy(() -> this.queries.findByCityAndSeq(city, seq));
	}

	@Test
	void countsAndExistsEqualSingleDatabase() throws SQLException {
		for (int minSeq = 0; minSeq <= 22; minSeq++) {
			long count = NamedShardDatabases.longs(TRUTH, "select count(*) from measurements where seq >= ?", minSeq)
				.get(0);
			assertThat(this.queries.countBySeqGreaterThanEqual(minSeq)).as("count seq >= " + minSeq)
				.isEqualTo(count);
			assertThat(this.queries.existsBySeqGreaterThanEqual(minSeq)).as("exists seq >= " + minSeq)
				.isEqualTo(count > 0);
		}
	}

	@Test
	void pagesEqualSingleDatabase() throws SQLException {
		Random random = random(6);
		for (int i = 0; i < 40; i++) {
			int minSeq = minSeq(random);
			Sort sort = (random.nextInt(5) == 0) ? Sort.unsorted() : randomSort(random, false);
			int size = 1 + random.nextInt(random.nextBoolean() ? 10 : 80);
			long total = count(minSeq);
			int pages = (int) ((total + size - 1) / size);
			int number = random.nextInt(pages + 3);
			String what = describe(i, "findPageBySeqGreaterThanEqual(" + minSeq + ", page " + number + " of size "
					+ size + ", " + sort + "), total " + total);
			Page<Measurement> page = this.queries.findPageBySeqGreaterThanEqual(minSeq,
					PageRequest.of(number, size, sort));
			assertThat(ids(page.getContent())).as(what)
				.containsExactlyElementsOf(truth(minSeq, sort, size, (long) number * size));
			assertThat(page.getTotalElements()).as(what + ": total").isEqualTo(total);
			assertThat(page.getTotalPages()).as(what + ": pages").isEqualTo(pages);
			assertThat(page.getNumber()).as(what + ": number").isEqualTo(number);
			assertThat(page.hasNext()).as(what + ": hasNext").isEqualTo(number + 1 < pages);
		}
	}

	@Test
	void deepPagesOfFindAllEqualSingleDatabase() throws SQLException {
		// Offsets of 4 pages per shard and more take the boundary search (DeepPage) when
		// sorted by non-null numbers or date-times and the id; the other sorts take the
		// ordinary way. Extra rows, written one after the other (time-ordered ids, rising
		// seq and measuredAt) to the shards at skewed rates, leave the first bound far
		// before the page, for the refinement rounds to move it closer: first to Europe
		// only, then to the other shards at 60, 25 and 15 %, so that in either direction
		// some shard has few rows before the bound but many after it.
		Random random = random(11);
		List<Measurement> skewed = new ArrayList<>();
		for (int i = 0; i < 600; i++) {
			int percent = random.nextInt(100);
			String region = (i < 150) ? "Europe"
					: (percent < 60) ? "South America" : (percent < 85) ? "North America" : "Asia";
			skewed.add(new Measurement(region, "T-Skewed", null,
					null, SKEWED_SEQ + i / 2, java.math.BigDecimal.ONE,
					java.time.LocalDateTime.of(2026, 6, 1, 0, 0).plusSeconds(i / 3)));
		}
		this.repository.saveAll(skewed);
		MeasurementData.insert(TRUTH, skewed);
		try (DeepPageFallbacks fallbacks = new DeepPageFallbacks()) {
			long total = count(Integer.MIN_VALUE);
			int refined = 0;
			for (int i = 0; i < 60; i++) {
				Sort sort = switch (random.nextInt(6)) {
					case 0 -> Sort.by(Sort.Order.asc("seq"));
					case 1 -> Sort.by(Sort.Order.desc("seq"), Sort.Order.asc("id"));
					case 2 -> Sort.by(random.nextBoolean() ? Sort.Order.desc("id") : Sort.Order.asc("id"));
					case 3 -> Sort.by(Sort.Order.by("measuredAt")
						.with(random.nextBoolean() ? Sort.Direction.ASC : Sort.Direction.DESC));
					case 4 -> Sort.by(Sort.Order.desc("measuredAt"), Sort.Order.asc("seq"));
					default -> randomSort(random, false);
				};
				int size = 1 + random.nextInt(random.nextBoolean() ? 5 : 25);
				int pages = (int) ((total + size - 1) / size);
				int number = 16 + random.nextInt(Math.max(1, pages - 14));
				String what = describe(i,
						"findAll(page " + number + " of size " + size + ", " + sort + "), total " + total);
				AtomicReference<Page<Measurement>> found = new AtomicReference<>();
				int fanOuts = this.fanOuts.fanOuts(".findAll",
						() -> found.set(this.repository.findAll(PageRequest.of(number, size, sort))));
				Page<Measurement> page = found.get();
				// Four fan-outs without a refinement (one if not deep), two more a round.
				refined += (fanOuts > 4) ? 1 : 0;
				assertThat(ids(page.getContent())).as(what)
					.containsExactlyElementsOf(truth(Integer.MIN_VALUE, sort, size, (long) number * size));
				assertThat(page.getTotalElements()).as(what + ": total").isEqualTo(total);
				assertThat(page.getNumber()).as(what + ": number").isEqualTo(number);
			}
			assertThat(refined).as("pages whose bound a refinement round moved closer").isPositive();
			assertThat(fallbacks.messages()).as("deep pages that fell back to the ordinary page").isEmpty();
		}
		finally {
			this.repository.deleteAll(skewed);
			NamedShardDatabases.update(TRUTH, "delete from measurements where seq >= ?", SKEWED_SEQ);
		}
	}

	@Test
	void slicesEqualSingleDatabase() throws SQLException {
		Random random = random(7);
		for (int i = 0; i < 30; i++) {
			int minSeq = minSeq(random);
			Sort sort = randomSort(random, false);
			int size = 1 + random.nextInt(random.nextBoolean() ? 10 : 80);
			long total = count(minSeq);
			int number = random.nextInt((int) (total / size) + 3);
			String what = describe(i, "findSliceBySeqGreaterThanEqual(" + minSeq + ", page " + number + " of size "
					+ size + ", " + sort + "), total " + total);
			Slice<Measurement> slice = this.queries.findSliceBySeqGreaterThanEqual(minSeq,
					PageRequest.of(number, size, sort));
			assertThat(ids(slice.getContent())).as(what)
				.containsExactlyElementsOf(truth(minSeq, sort, size, (long) number * size));
			assertThat(slice.hasNext()).as(what + ": hasNext").isEqualTo((long) (number + 1) * size < total);
		}
	}

	@Test
	void keysetWindowsScrollThroughAllRowsInOrder() throws SQLException {
		Random random = random(8);
		for (int i = 0; i < 20; i++) {
			int minSeq = minSeq(random);
			Sort sort = randomSort(random, true);
			int size = 3 + random.nextInt(random.nextBoolean() ? 10 : 60);
			List<Long> expected = truth(minSeq, sort, -1, 0);
			String what = describe(i, "findWindowBySeqGreaterThanEqual(" + minSeq + ", " + sort + ", Limit " + size
					+ "), " + expected.size() + " rows");
			List<Long> scrolled = new ArrayList<>();
			ScrollPosition position = ScrollPosition.keyset();
			for (int n = 0; n <= expected.size() / size + 1; n++) {
				Window<Measurement> window = this.queries.findWindowBySeqGreaterThanEqual(minSeq, position, sort,
						Limit.of(size));
				int from = n * size;
				List<Long> expectedWindow = expected.subList(Math.min(from, expected.size()),
						Math.min(from + size, expected.size()));
				assertThat(ids(window.getContent())).as(what + ": window " + n).containsExactlyElementsOf(expectedWindow);
				assertThat(window.hasNext()).as(what + ": hasNext of window " + n)
					.isEqualTo(from + size < expected.size());
				scrolled.addAll(ids(window.getContent()));
				if (!window.hasNext() || window.isEmpty()) {
					break;
				}
				position = window.positionAt(window.size() - 1);
			}
			assertThat(scrolled).as(what).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void fixedSizeKeysetWindowsFromTheMethodNameScrollThroughAllRows() throws SQLException {
		Random random = random(9);
		for (int i = 0; i < 5; i++) {
			int minSeq = minSeq(random);
			List<Long> expected = truth(minSeq, Sort.by("amount"), -1, 0);
			List<Long> scrolled = new ArrayList<>();
			ScrollPosition position = ScrollPosition.keyset();
			Window<Measurement> window;
			int guard = 0;
			do {
				window = this.queries.findFirst10BySeqGreaterThanEqualOrderByAmountAsc(minSeq, position);
				assertThat(window.size()).isLessThanOrEqualTo(10);
				scrolled.addAll(ids(window.getContent()));
				if (!window.isEmpty()) {
					position = window.positionAt(window.size() - 1);
				}
			}
			while (window.hasNext() && guard++ < 100);
			assertThat(scrolled).as(describe(i, "findFirst10BySeqGreaterThanEqualOrderByAmountAsc(" + minSeq + ")"))
				.containsExactlyElementsOf(expected);
		}
	}

	private Random random(int test) {
		return new Random(this.seed * 31 + test);
	}

	private String describe(int i, String call) {
		return "seed " + this.seed + ", case " + i + ": " + call;
	}

	private static int minSeq(Random random) {
		// Mostly a broad filter; sometimes one that matches few rows or none.
		return (random.nextInt(8) == 0) ? 18 + random.nextInt(5) : random.nextInt(10);
	}

	/**
	 * A random sort of 1 to 3 properties, random directions and, unless it is for keyset
	 * scrolling, random NULL handling and ignoreCase on text.
	 */
	private static Sort randomSort(Random random, boolean keyset) {
		List<Column> columns = new ArrayList<>(COLUMNS);
		if (keyset) {
			// Keyset positions compare with = and >, which no database applies to NULLs.
			columns.removeIf(Column::nullable);
		}
		Collections.shuffle(columns, random);
		List<Sort.Order> orders = new ArrayList<>();
		for (Column column : columns.subList(0, 1 + random.nextInt(3))) {
			Sort.Order order = random.nextBoolean() ? Sort.Order.asc(column.name()) : Sort.Order.desc(column.name());
			if (!keyset) {
				if (column.text() && random.nextInt(3) == 0) {
					order = order.ignoreCase();
				}
				order = switch (random.nextInt(4)) {
					case 0 -> order.nullsFirst();
					case 1 -> order.nullsLast();
					default -> order;
				};
			}
			orders.add(order);
		}
		return Sort.by(orders);
	}

	/** What one database returns: ORDER BY the sort plus the id tiebreak, then LIMIT/OFFSET. */
	private static List<Long> truth(int minSeq, Sort sort, int limit, long offset) throws SQLException {
		StringBuilder sql = new StringBuilder("select id from measurements where seq >= ? order by ");
		boolean hasId = false;
		for (Sort.Order order : sort) {
			Column column = COLUMNS.stream()
				.filter((c) -> c.name().equals(order.getProperty()))
				.findFirst()
				.orElse(MEASURED_AT);
			hasId |= column.name().equals("id");
			String name = (column == MEASURED_AT) ? "measured_at" : column.name();
			// Spring Data JPA's derived queries order ignoreCase by upper().
			sql.append((order.isIgnoreCase() && column.text()) ? "upper(" + name + ")" : name)
				.append(order.isAscending() ? " asc" : " desc")
				.append(switch (order.getNullHandling()) {
					case NULLS_FIRST -> " nulls first";
					case NULLS_LAST -> " nulls last";
					case NATIVE -> "";
				})
				.append(", ");
		}
		sql.append(hasId ? "" : "id asc, ");
		sql.setLength(sql.length() - 2);
		if (limit >= 0) {
			sql.append(" limit ").append(limit);
		}
		sql.append(" offset ").append(offset);
		return NamedShardDatabases.longs(TRUTH, sql.toString(), minSeq);
	}

	private static long count(int minSeq) throws SQLException {
		return NamedShardDatabases.longs(TRUTH, "select count(*) from measurements where seq >= ?", minSeq).get(0);
	}

	private static List<Long> ids(Iterable<Measurement> measurements) {
		List<Long> ids = new ArrayList<>();
		measurements.forEach((measurement) -> ids.add(measurement.getId()));
		return ids;
	}

	private static boolean causedBy(Throwable thrown, Class<? extends Throwable> type) {
		for (Throwable t = thrown; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

	private record Column(String name, boolean text, boolean nullable) {
	}

}
