package io.shardwise.jdbc;

import java.math.BigDecimal;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.fanout.ShardFanOutException;
import io.shardwise.fanout.SortedMerge;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * One page at any offset of a query's rows in a total order across shards, without
 * reading {@code offset + size} rows from every shard. With N shards, offset o and size
 * s:
 * <ol>
 * <li>each shard skips {@code o / N} rows in the order and returns the sort key of the
 * next row (its boundary); the smallest boundary m has at most o rows before it across
 * all shards, since no shard has more than {@code o / N} rows before its own boundary;
 * <li>each shard counts its rows before m, as {@code o / N} minus its rows from m up to
 * its own boundary (a shard without one counts its rows before m); the sum r is m's
 * exact position;
 * <li>each shard returns its first {@code o - r + s} rows from m on; merged, the page is
 * those rows after the first {@code o - r}.
 * </ol>
 * The conditions are added to the query's own WHERE and the order appended, so that
 * each database can use its indexes; a query that is not a plain
 * {@code select ... from ... [where ...]} (with GROUP BY, DISTINCT, UNION, a comment...)
 * runs as a derived table instead, its columns referred to by label.
 *
 * <p>On evenly spread rows {@code o - r} is small; on rows whose order clusters on some
 * shards (time-ordered ids written at different rates, say) it grows towards
 * {@code o (N - 1) / N}. While it is larger than a few pages, up to
 * {@value #MAX_REFINEMENTS} rounds move m closer: the gap is shared out between the shards
 * in proportion to their rows before m, each shard with a share returns the row that
 * many rows after m, and the smallest of those, counted exactly as in step 2, replaces m
 * if it is not past the offset. Small offsets ({@code o / N < s}) take one round of
 * {@code o + s} rows per shard instead.
 *
 * <p>The order is the page's sort followed by a unique column, so that ties break the
 * same way on every shard and in the merge. Sort keys are compared in Java as the
 * databases compare them: numbers, dates and times, and text by UTF-16 code units (as H2
 * and PostgreSQL's "C" collation do); NULLs are placed as the sort asks or, without
 * NULLS FIRST/LAST, as the database reports it sorts them.
 */
final class OffsetPage {

	private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	/** Top-level clauses after which conditions and an order cannot simply be appended. */
	private static final Pattern NOT_SIMPLE = Pattern.compile(
			"\\b(distinct|group|having|order|limit|offset|fetch|union|intersect|except|window|qualify|for|returning)\\b");

	private static final Pattern FROM = Pattern.compile("\\bfrom\\b");

	private static final Pattern WHERE = Pattern.compile("\\bwhere\\b");

	private static final String ALIAS = "shardwise_page";

	/** At most this many rounds move the lower bound closer to the page. */
	private static final int MAX_REFINEMENTS = 3;

	/** The query up to its WHERE condition, or all of it (if it has none, or as a derived table). */
	private final String sql;

	/** The query's own top-level WHERE condition, or {@code null}. */
	private final String condition;

	/** Where the top-level FROM of {@link #sql} starts. */
	private final int fromIndex;

	private final List<Key> keys;

	private final Comparator<Object[]> order;

	private OffsetPage(String sql, String condition, int fromIndex, List<Key> keys) {
		this.sql = sql;
		this.condition = condition;
		this.fromIndex = fromIndex;
		this.keys = keys;
		this.order = (a, b) -> {
			for (int i = 0; i < keys.size(); i++) {
				int result = keys.get(i).compare(a[i], b[i]);
				if (result != 0) {
					return result;
				}
			}
			return 0;
		};
	}

	/**
	 * Prepare a page query.
	 * @param sql the query, without ORDER BY, LIMIT or OFFSET
	 * @param sort the page's order, by column labels of the query
	 * @param uniqueColumn a column that is unique and not null, the last tiebreak
	 * @param nulls how the databases place NULLs without NULLS FIRST/LAST
	 * @return the page query
	 */
	static OffsetPage of(String sql, Sort sort, String uniqueColumn, NullSorting nulls) {
		List<Key> keys = new ArrayList<>();
		boolean unique = false;
		for (Sort.Order order : sort) {
			if (order.isIgnoreCase()) {
				throw new InvalidDataAccessApiUsageException("queryPage cannot order by " + order.getProperty()
						+ " ignoring case; order by upper(" + order.getProperty() + ") as a column of the query");
			}
			keys.add(Key.of(order.getProperty(), order.isDescending(), order.getNullHandling(), nulls));
			if (order.getProperty().equalsIgnoreCase(uniqueColumn)) {
				unique = true;
				break;
			}
		}
		if (!unique) {
			keys.add(Key.of(uniqueColumn, false, Sort.NullHandling.NATIVE, nulls));
		}
		String trimmed = sql.strip();
		if (trimmed.endsWith(";")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
		}
		String topLevel = topLevel(trimmed);
		if (topLevel == null || NOT_SIMPLE.matcher(topLevel).find()) {
			// Anything but select ... from ... [where ...]: the query becomes a derived table,
			// and its columns are referred to by label.
			return derived(trimmed, keys);
		}
		java.util.regex.Matcher from = FROM.matcher(topLevel);
		if (!from.find()) {
			throw new InvalidDataAccessApiUsageException("queryPage needs a query with FROM: " + trimmed);
		}
		int fromIndex = from.start();
		java.util.regex.Matcher where = WHERE.matcher(topLevel);
		if (!where.find()) {
			return new OffsetPage(trimmed, null, fromIndex, List.copyOf(keys));
		}
		int conditionStart = where.end();
		if (where.find()) {
			return derived(trimmed, keys);
		}
		return new OffsetPage(trimmed.substring(0, conditionStart), trimmed.substring(conditionStart).strip(),
				fromIndex, List.copyOf(keys));
	}

	private static OffsetPage derived(String sql, List<Key> keys) {
		// The line break ends a trailing comment of the query.
		return new OffsetPage("select * from (" + sql + "\n) " + ALIAS, null, "select * ".length(),
				keys.stream().map(Key::asLabel).toList());
	}

	/**
	 * Return the query in lower case with everything inside parentheses, quotes and
	 * comments blanked out, or {@code null} if it cannot be read that way.
	 */
	private static String topLevel(String sql) {
		StringBuilder top = new StringBuilder(sql.length());
		int depth = 0;
		char quote = 0;
		for (int i = 0; i < sql.length(); i++) {
			char c = sql.charAt(i);
			if (quote != 0) {
				top.append(' ');
				if (c == quote) {
					quote = 0;
				}
				continue;
			}
			if ((c == '-' || c == '/') && i + 1 < sql.length()
					&& sql.charAt(i + 1) == ((c == '-') ? '-' : '*')) {
				return null;
			}
			if (c == '\'' || c == '"' || c == '`') {
				quote = c;
				top.append(' ');
			}
			else if (c == '(') {
				depth++;
				top.append(' ');
			}
			else if (c == ')') {
				depth--;
				top.append(' ');
			}
			else {
				top.append((depth == 0) ? Character.toLowerCase(c) : ' ');
			}
		}
		return (depth == 0 && quote == 0) ? top.toString() : null;
	}

	/**
	 * Return the statement: the query with its condition and {@code extra} (if any), then
	 * the order and the given tail.
	 */
	private String statement(String extra, String tail) {
		StringBuilder statement = new StringBuilder(this.sql);
		if (this.condition != null) {
			statement.append(" (").append(this.condition).append(')');
			if (extra != null) {
				statement.append(" and (").append(extra).append(')');
			}
		}
		else if (extra != null) {
			statement.append(" where ").append(extra);
		}
		return statement.append(tail).toString();
	}

	<T> List<T> query(FanOutExecutor executor, JdbcTemplate jdbcTemplate, List<Shard> shards,
			Pageable pageable,
			RowMapper<T> rowMapper, Object[] args) {
		long offset = pageable.getOffset();
		int size = pageable.getPageSize();
		if (shards.isEmpty()) {
			return List.of();
		}
		long perShard = offset / shards.size();
		if (perShard < size) {
			List<T> rows = fetch(executor, jdbcTemplate, shards, null, offset + size, rowMapper, args);
			return page(rows, offset, size);
		}
		// Round 1: each shard's boundary, the row after its first offset / N rows.
		String boundarySql = statement(null, " order by " + orderBy() + " limit 1 offset ?");
		Map<Shard, List<Object[]>> boundaries = executor.execute(ShardCallKind.FAN_OUT,
				"ShardedJdbcTemplate queryPage", boundarySql, shards,
				(shard) -> jdbcTemplate.query(boundarySql, (rs, row) -> keyOf(rs), append(args, perShard)));
		List<Shard> answered = List.copyOf(boundaries.keySet());
		Object[] smallest = null;
		for (List<Object[]> boundary : boundaries.values()) {
			if (!boundary.isEmpty() && (smallest == null || this.order.compare(boundary.get(0), smallest) < 0)) {
				smallest = boundary.get(0);
			}
		}
		if (smallest == null) {
			// No shard has more than offset / N rows: there are at most offset rows.
			return List.of();
		}
		// Round 2: the exact position of the smallest boundary. A shard has exactly
		// offset / N rows before its own boundary, so it counts only the rows from the
		// smallest boundary up to its own (few, on evenly spread rows; a database that
		// reads every row it counts, such as H2, then counts little); a shard without a
		// boundary counts its rows before the smallest one.
		Object[] first = smallest;
		Map<Shard, Long> counts = executor.execute(ShardCallKind.FAN_OUT, "ShardedJdbcTemplate queryPage",
				boundarySql + " count", answered, (shard) -> {
					List<Object[]> own = boundaries.get(shard);
					List<Object> params = new ArrayList<>();
					String condition = own.isEmpty() ? compare(first, true, params)
							: "(" + compare(first, false, params) + ") and (" + compare(own.get(0), true, params) + ")";
					String countSql = "select count(*) " + statement(condition, "").substring(this.fromIndex);
					Long counted = jdbcTemplate.queryForObject(countSql, Long.class, append(args, params.toArray()));
					return own.isEmpty() ? counted : perShard - counted;
				});
		requireAll(answered, counts);
		Bound bound = new Bound(smallest, counts);
		if (bound.position() > offset) {
			// Rows written between the rounds (on a shard that had no boundary, before the
			// smallest one): the positions of round 1 no longer hold. The plain page is exact.
			List<T> rows = fetch(executor, jdbcTemplate, answered, null, offset + size, rowMapper, args);
			return page(rows, offset, size);
		}
		// Rows whose order clusters on some shards leave m far before the page: move it
		// closer while that saves fetching many rows.
		for (int round = 0; round < MAX_REFINEMENTS && offset - bound.position() > refineAbove(size); round++) {
			Bound closer = refine(executor, jdbcTemplate, answered, bound, offset, args);
			if (closer == null) {
				break;
			}
			if (closer == Bound.PAST_THE_END) {
				return List.of();
			}
			bound = closer;
		}
		// Round 3: the page's rows, from the bound on.
		long skip = offset - bound.position();
		List<T> rows = fetch(executor, jdbcTemplate, answered, bound.key(), skip + size, rowMapper, args);
		return page(rows, skip, size);
	}

	/** The gap in rows between the bound and the page above which a refinement is tried. */
	private static long refineAbove(int size) {
		return Math.max(4L * size, 64);
	}

	/**
	 * Find a bound closer to the page than {@code bound}, whose exact position is at most
	 * {@code offset}. The gap to the page is shared out between the shards in proportion
	 * to their rows before the bound (a guess that rows go on as they began); each shard
	 * with a share returns the row that many rows after the bound, the smallest of those
	 * is the candidate, and each shard counts its rows before it (from its own row down
	 * to the candidate, or from the bound up to it). Every shard has at most its share
	 * more rows before the candidate unless it had no share, so the exact count decides:
	 * a candidate past the offset is not used.
	 * @return the closer bound, {@link Bound#PAST_THE_END} if every shard had a share and
	 * none has that many rows (so there are at most offset rows), or {@code null} if no
	 * closer bound was found
	 */
	private Bound refine(FanOutExecutor executor, JdbcTemplate jdbcTemplate, List<Shard> shards,
			Bound bound, long offset, Object[] args) {
		long gap = offset - bound.position();
		long weight = bound.position() + shards.size();
		Map<Shard, Long> shares = new LinkedHashMap<>();
		for (Shard shard : shards) {
			long share = share(gap, bound.before().get(shard) + 1, weight);
			if (share > 0) {
				shares.put(shard, share);
			}
		}
		if (shares.isEmpty()) {
			return null;
		}
		List<Object> fromParams = new ArrayList<>();
		String boundarySql = statement(compare(bound.key(), false, fromParams), " order by " + orderBy()
				+ " limit 1 offset ?");
		Object[] from = fromParams.toArray();
		Map<Shard, List<Object[]>> rows = executor.execute(ShardCallKind.FAN_OUT, "ShardedJdbcTemplate queryPage",
				boundarySql, List.copyOf(shares.keySet()), (shard) -> jdbcTemplate
					.query(boundarySql, (rs, row) -> keyOf(rs), append(append(args, from), shares.get(shard))));
		requireAll(List.copyOf(shares.keySet()), rows);
		Object[] candidate = null;
		for (List<Object[]> row : rows.values()) {
			if (!row.isEmpty() && (candidate == null || this.order.compare(row.get(0), candidate) < 0)) {
				candidate = row.get(0);
			}
		}
		if (candidate == null) {
			return (shares.size() == shards.size()) ? Bound.PAST_THE_END : null;
		}
		if (this.order.compare(candidate, bound.key()) <= 0) {
			return null;
		}
		Object[] next = candidate;
		Map<Shard, Long> before = executor.execute(ShardCallKind.FAN_OUT, "ShardedJdbcTemplate queryPage",
				boundarySql + " count", shards, (shard) -> {
					List<Object[]> own = rows.get(shard);
					List<Object> params = new ArrayList<>();
					boolean fromOwn = own != null && !own.isEmpty();
					// Rows in [candidate, own row), or in [bound, candidate).
					String condition = fromOwn
							? "(" + compare(next, false, params) + ") and (" + compare(own.get(0), true, params) + ")"
							: "(" + compare(bound.key(), false, params) + ") and (" + compare(next, true, params) + ")";
					String countSql = "select count(*) " + statement(condition, "").substring(this.fromIndex);
					Long counted = jdbcTemplate
						.queryForObject(countSql, Long.class, append(args, params.toArray()));
					long earlier = bound.before().get(shard);
					return fromOwn ? earlier + shares.get(shard) - counted : earlier + counted;
				});
		requireAll(shards, before);
		Bound closer = new Bound(next, before);
		return (closer.position() <= offset) ? closer : null;
	}

	/** {@code gap * part / whole}, rounded down, without overflow. */
	private static long share(long gap, long part, long whole) {
		return java.math.BigInteger.valueOf(gap)
			.multiply(java.math.BigInteger.valueOf(part))
			.divide(java.math.BigInteger.valueOf(whole))
			.longValue();
	}

	private <T> List<T> fetch(FanOutExecutor executor, JdbcTemplate jdbcTemplate, List<Shard> shards,
			Object[] from,
			long limit, RowMapper<T> rowMapper, Object[] args) {
		List<Object> fromArgs = new ArrayList<>();
		String fetchSql = statement((from != null) ? compare(from, false, fromArgs) : null,
				" order by " + orderBy() + " limit ?");
		fromArgs.add(limit);
		Object[] fetchArgs = append(args, fromArgs.toArray());
		RowMapper<Keyed<T>> keyed = (rs, row) -> new Keyed<>(keyOf(rs), rowMapper.mapRow(rs, row));
		Map<Shard, List<Keyed<T>>> rows = executor.execute(ShardCallKind.FAN_OUT, "ShardedJdbcTemplate queryPage",
				fetchSql, shards, (shard) -> jdbcTemplate.query(fetchSql, keyed, fetchArgs));
		if (from != null) {
			requireAll(shards, rows);
		}
		List<Keyed<T>> merged = SortedMerge.merge(new ArrayList<>(rows.values()),
				(a, b) -> this.order.compare(a.key(), b.key()), -1);
		List<T> values = new ArrayList<>(merged.size());
		merged.forEach((row) -> values.add(row.value()));
		return values;
	}

	private static <T> List<T> page(List<T> rows, long skip, int size) {
		if (skip >= rows.size()) {
			return new ArrayList<>();
		}
		return new ArrayList<>(rows.subList((int) skip, (int) Math.min(rows.size(), skip + size)));
	}

	/**
	 * Later rounds need the shards of the first: a page from fewer shards than its
	 * position was counted on would be wrong, not partial.
	 */
	private static void requireAll(List<Shard> shards, Map<Shard, ?> results) {
		if (results.size() != shards.size()) {
			Map<String, Throwable> missing = new java.util.LinkedHashMap<>();
			for (Shard shard : shards) {
				if (!results.containsKey(shard)) {
					missing.put(shard.id(), new IllegalStateException(
							"Shard '" + shard.id() + "' answered the first round of the page but not a later one"));
				}
			}
			throw new ShardFanOutException("ShardedJdbcTemplate queryPage", missing);
		}
	}

	private Object[] keyOf(ResultSet rs) throws SQLException {
		Object[] key = new Object[this.keys.size()];
		for (int i = 0; i < key.length; i++) {
			key[i] = rs.getObject(this.keys.get(i).label());
		}
		return key;
	}

	private String orderBy() {
		StringBuilder orderBy = new StringBuilder();
		for (Key key : this.keys) {
			if (!orderBy.isEmpty()) {
				orderBy.append(", ");
			}
			orderBy.append(key.column()).append(key.descending() ? " desc" : " asc");
			if (key.nullHandling() != Sort.NullHandling.NATIVE) {
				orderBy.append(key.nullsFirst() ? " nulls first" : " nulls last");
			}
		}
		return orderBy.toString();
	}

	/**
	 * Return a condition that is true exactly for the rows before {@code key} in the
	 * order ({@code before}) or for the rows at or after it, and never NULL. Written
	 * without NOT, so that a database can use an index on the order's columns.
	 */
	private String compare(Object[] key, boolean before, List<Object> params) {
		return compare(key, 0, before, params);
	}

	private String compare(Object[] key, int i, boolean before, List<Object> params) {
		Key column = this.keys.get(i);
		String name = column.column();
		Object value = key[i];
		if (i == this.keys.size() - 1) {
			// The unique column, which is not NULL.
			if (value == null) {
				throw new InvalidDataAccessApiUsageException("queryPage's unique column " + column.label()
						+ " is NULL in a row; it must be unique and not null");
			}
			params.add(value);
			if (before) {
				return name + (column.descending() ? " > ?" : " < ?");
			}
			return name + (column.descending() ? " <= ?" : " >= ?");
		}
		String strictly = strictly(column, value, before, params);
		String equal;
		if (value == null) {
			equal = name + " is null";
		}
		else {
			equal = "(" + name + " is not null and " + name + " = ?)";
			params.add(value);
		}
		return "(" + strictly + " or (" + equal + " and " + compare(key, i + 1, before, params) + "))";
	}

	/** Rows strictly before ({@code before}) or strictly after {@code value} in one column. */
	private static String strictly(Key column, Object value, boolean before, List<Object> params) {
		String name = column.column();
		// Where NULLs are, seen from the side asked for.
		boolean nullsOnThisSide = (column.nullsFirst() == before);
		if (value == null) {
			return nullsOnThisSide ? "1 = 0" : name + " is not null";
		}
		params.add(value);
		String operator = (before != column.descending()) ? " < ?" : " > ?";
		return nullsOnThisSide ? "(" + name + " is null or " + name + operator + ")"
				: "(" + name + " is not null and " + name + operator + ")";
	}

	private static Object[] append(Object[] args, Object... more) {
		Object[] all = Arrays.copyOf(args, args.length + more.length);
		System.arraycopy(more, 0, all, args.length, more.length);
		return all;
	}

	private record Keyed<T>(Object[] key, T value) {
	}

	/**
	 * A lower bound of the page: a row's sort key and, for each shard, how many of its
	 * rows come before it; their sum is the key's exact position.
	 */
	private record Bound(Object[] key, Map<Shard, Long> before) {

		/** There is no row at the offset. */
		static final Bound PAST_THE_END = new Bound(new Object[0], Map.of());

		long position() {
			long position = 0;
			for (long rows : this.before.values()) {
				position += rows;
			}
			return position;
		}

	}

	/**
	 * Where the shard databases place NULLs in an ORDER BY without NULLS FIRST/LAST.
	 */
	enum NullSorting {

		/** NULLs sort as the lowest values (H2). */
		LOW,

		/** NULLs sort as the highest values (PostgreSQL). */
		HIGH,

		/** NULLs first in both directions. */
		FIRST,

		/** NULLs last in both directions. */
		LAST;

		static NullSorting of(DatabaseMetaData metaData) throws SQLException {
			if (metaData.nullsAreSortedAtStart()) {
				return FIRST;
			}
			if (metaData.nullsAreSortedAtEnd()) {
				return LAST;
			}
			return metaData.nullsAreSortedHigh() ? HIGH : LOW;
		}

		boolean nullsFirst(boolean descending) {
			return switch (this) {
				case LOW -> !descending;
				case HIGH -> descending;
				case FIRST -> true;
				case LAST -> false;
			};
		}

	}

	private record Key(String column, boolean descending, Sort.NullHandling nullHandling, boolean nullsFirst) {

		static Key of(String column, boolean descending, Sort.NullHandling nullHandling, NullSorting nulls) {
			if (!COLUMN.matcher(column).matches()) {
				throw new InvalidDataAccessApiUsageException("queryPage orders by column labels of the query; '"
						+ column + "' is not a plain column label");
			}
			boolean nullsFirst = switch (nullHandling) {
				case NULLS_FIRST -> true;
				case NULLS_LAST -> false;
				case NATIVE -> nulls.nullsFirst(descending);
			};
			return new Key(column.toLowerCase(Locale.ROOT), descending, nullHandling, nullsFirst);
		}

		/** The column's label in the result set: the name without a table qualifier. */
		String label() {
			return this.column.substring(this.column.indexOf('.') + 1);
		}

		/** The same key referred to by its label in the derived table. */
		Key asLabel() {
			return new Key(ALIAS + "." + label(), this.descending, this.nullHandling, this.nullsFirst);
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		int compare(Object a, Object b) {
			if (a == null || b == null) {
				if (a == b) {
					return 0;
				}
				return ((a == null) == this.nullsFirst) ? -1 : 1;
			}
			int result;
			if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
				result = new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
			}
			else {
				result = ((Comparable) a).compareTo(b);
			}
			return this.descending ? -result : result;
		}

	}

}
