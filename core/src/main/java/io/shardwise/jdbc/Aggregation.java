package io.shardwise.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * How the grouped rows of several shards combine into the rows one database holding all
 * the data would have returned. Each shard runs the same {@code GROUP BY} query; rows of
 * the same group are combined column by column: counts and sums add up, minimum and
 * maximum take the extreme, and an average is the total sum divided by the total count,
 * never an average of averages.
 *
 * <p>Values combine as the database combines them: floating-point columns
 * ({@code double precision}, {@code real}) in IEEE double arithmetic, so that a
 * {@code NaN} or an infinity on any shard makes the combined sum and average
 * {@code NaN} or infinite as on one database, and {@code MIN}/{@code MAX} order
 * {@code NaN} above every number, as PostgreSQL and H2 do; exact columns (integers,
 * {@code numeric}) in exact arithmetic, a sum of integers growing into a
 * {@link BigDecimal} instead of overflowing. SQL {@code NULL}s (a group whose values are
 * all {@code NULL}, a shard without rows) are ignored, as the database ignores them.
 *
 * <pre class="code">
 * // per shard: select continent, count(*) as n, sum(t) as t_sum, count(t) as t_count, max(t) as hottest
 * //            from weather_reports ... group by continent
 * Aggregation.groupBy("continent").count("n").max("hottest").avg("mean", "t_sum", "t_count");
 * </pre>
 */
public final class Aggregation {

	private final List<String> groupColumns;

	private final Map<String, Function> functions = new LinkedHashMap<>();

	private final Map<String, String[]> averages = new LinkedHashMap<>();

	private Aggregation(List<String> groupColumns) {
		this.groupColumns = groupColumns;
	}

	/**
	 * Start an aggregation grouped by the given columns (none for a single total row).
	 * @param columns the group-by columns, as labelled in the shard query
	 * @return the aggregation
	 */
	public static Aggregation groupBy(String... columns) {
		return new Aggregation(List.of(columns));
	}

	/**
	 * Add a column holding a per-shard {@code COUNT}: the shard counts are summed.
	 * @param column the column label
	 * @return this aggregation
	 */
	public Aggregation count(String column) {
		this.functions.put(column, Function.SUM);
		return this;
	}

	/**
	 * Add a column holding a per-shard {@code SUM}: the shard sums are summed.
	 * @param column the column label
	 * @return this aggregation
	 */
	public Aggregation sum(String column) {
		this.functions.put(column, Function.SUM);
		return this;
	}

	/**
	 * Add a column holding a per-shard {@code MIN}: the smallest wins.
	 * @param column the column label
	 * @return this aggregation
	 */
	public Aggregation min(String column) {
		this.functions.put(column, Function.MIN);
		return this;
	}

	/**
	 * Add a column holding a per-shard {@code MAX}: the largest wins.
	 * @param column the column label
	 * @return this aggregation
	 */
	public Aggregation max(String column) {
		this.functions.put(column, Function.MAX);
		return this;
	}

	/**
	 * Add an average computed from per-shard sums and counts: the shard query selects
	 * {@code SUM(x)} as {@code sumColumn} and {@code COUNT(x)} as {@code countColumn},
	 * and the result row gains {@code column} = total sum / total count ({@code null} when
	 * the count is 0 or the sum {@code NULL}): a {@code Double} computed in double
	 * arithmetic for a floating-point sum, a {@code BigDecimal} (34 significant digits)
	 * for an exact one.
	 * @param column the label of the average in the result rows
	 * @param sumColumn the label of the per-shard sum
	 * @param countColumn the label of the per-shard count
	 * @return this aggregation
	 */
	public Aggregation avg(String column, String sumColumn, String countColumn) {
		this.functions.putIfAbsent(sumColumn, Function.SUM);
		this.functions.putIfAbsent(countColumn, Function.SUM);
		this.averages.put(column, new String[] { sumColumn, countColumn });
		return this;
	}

	/**
	 * Combine the grouped rows of every shard.
	 * @param shardRows each shard's rows (column label to value)
	 * @return one row per group, ordered by the group columns
	 */
	List<Map<String, Object>> combine(Collection<List<Map<String, Object>>> shardRows) {
		Map<List<Object>, Map<String, Object>> groups = new LinkedHashMap<>();
		for (List<Map<String, Object>> rows : shardRows) {
			for (Map<String, Object> row : rows) {
				List<Object> key = new ArrayList<>(this.groupColumns.size());
				for (String column : this.groupColumns) {
					key.add(require(row, column));
				}
				Map<String, Object> combined = groups.get(key);
				if (combined == null) {
					combined = new LinkedCaseInsensitiveMap<>();
					for (String column : this.groupColumns) {
						combined.put(column, row.get(column));
					}
					groups.put(key, combined);
				}
				for (Map.Entry<String, Function> entry : this.functions.entrySet()) {
					String column = entry.getKey();
					Object value = require(row, column);
					combined.put(column, combined.containsKey(column)
							? entry.getValue().combine(combined.get(column), value) : value);
				}
			}
		}
		List<Map<String, Object>> result = new ArrayList<>(groups.values());
		for (Map<String, Object> row : result) {
			this.averages.forEach((column, parts) -> row.put(column, average(row.get(parts[0]), row.get(parts[1]))));
		}
		result.sort(Comparator.comparing((row) -> groupKey(row), Aggregation::compareKeys));
		return result;
	}

	private List<Object> groupKey(Map<String, Object> row) {
		return this.groupColumns.stream().map(row::get).toList();
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static int compareKeys(List<Object> a, List<Object> b) {
		for (int i = 0; i < a.size(); i++) {
			Object x = a.get(i);
			Object y = b.get(i);
			if (x == null || y == null) {
				if (x != y) {
					return (x == null) ? -1 : 1;
				}
				continue;
			}
			int result = ((Comparable) x).compareTo(y);
			if (result != 0) {
				return result;
			}
		}
		return 0;
	}

	private static Object require(Map<String, Object> row, String column) {
		if (!row.containsKey(column)) {
			throw new IllegalArgumentException(
					"Shard query returned no column '" + column + "'; its columns are " + row.keySet());
		}
		return row.get(column);
	}

	private static Number average(Object sum, Object count) {
		if (sum == null || count == null || toDecimal(count).signum() == 0) {
			return null;
		}
		if (isFloatingPoint(sum)) {
			// As the database divides a floating-point sum: NaN and infinities propagate.
			return ((Number) sum).doubleValue() / ((Number) count).doubleValue();
		}
		return toDecimal(sum).divide(toDecimal(count), MathContext.DECIMAL128);
	}

	private static boolean isFloatingPoint(Object value) {
		return value instanceof Double || value instanceof Float;
	}

	/**
	 * Convert an exact value (never a floating-point one, which may be NaN or infinite).
	 */
	private static BigDecimal toDecimal(Object value) {
		if (value instanceof BigDecimal decimal) {
			return decimal;
		}
		if (value instanceof BigInteger integer) {
			return new BigDecimal(integer);
		}
		if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return BigDecimal.valueOf(((Number) value).longValue());
		}
		return new BigDecimal(value.toString());
	}

	@Override
	public String toString() {
		return "Aggregation[groupBy=" + this.groupColumns + ", " + this.functions + ", avg="
				+ this.averages.entrySet().stream().map((e) -> e.getKey() + "=" + Arrays.toString(e.getValue())).toList()
				+ "]";
	}

	private enum Function {

		SUM {
			@Override
			Object combine(Object a, Object b) {
				if (a == null || b == null) {
					return (a != null) ? a : b;
				}
				if (isFloatingPoint(a) || isFloatingPoint(b)) {
					// IEEE addition, as the database sums a floating-point column: NaN stays
					// NaN, +Infinity + -Infinity is NaN.
					return ((Number) a).doubleValue() + ((Number) b).doubleValue();
				}
				if (isIntegral(a) && isIntegral(b) && !(a instanceof BigInteger) && !(b instanceof BigInteger)) {
					long x = ((Number) a).longValue();
					long y = ((Number) b).longValue();
					long total = x + y;
					if (((x ^ total) & (y ^ total)) >= 0) {
						return total;
					}
					// Beyond the range of long: grow as the database's numeric sum does.
				}
				return toDecimal(a).add(toDecimal(b));
			}
		},

		MIN {
			@Override
			Object combine(Object a, Object b) {
				return extreme(a, b, -1);
			}
		},

		MAX {
			@Override
			Object combine(Object a, Object b) {
				return extreme(a, b, 1);
			}
		};

		abstract Object combine(Object a, Object b);

		private static boolean isIntegral(Object value) {
			return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
					|| value instanceof BigInteger;
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		private static Object extreme(Object a, Object b, int sign) {
			if (a == null || b == null) {
				return (a != null) ? a : b;
			}
			return (Integer.signum(((Comparable) a).compareTo(b)) == sign) ? a : b;
		}

	}

}
