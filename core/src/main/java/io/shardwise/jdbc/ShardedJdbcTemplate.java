package io.shardwise.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.fanout.SortedMerge;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Runs SQL on several shards and combines the answers: concatenated, merged in order
 * with a limit, one page at any offset ({@link Targets#queryPage}), at most one row
 * ({@link Targets#queryForOptional}), or aggregated by group with {@link Aggregation}.
 *
 * <pre class="code">
 * List&lt;Report&gt; hottest = sharded.onAllShards().queryOrdered(
 *         "select * from weather_reports order by temperature desc, id limit 100", reportMapper,
 *         Comparator.comparing(Report::temperature).reversed().thenComparing(Report::id), 100);
 * </pre>
 *
 * Shard key values and other arguments are always bound as statement parameters. Calls
 * follow the fan-out deadline and failure policy of the {@link FanOutExecutor}.
 */
public class ShardedJdbcTemplate {

	private final JdbcTemplate jdbcTemplate;

	private final ShardRouter router;

	private final FanOutExecutor executor;

	private volatile OffsetPage.NullSorting nullSorting;

	/**
	 * Create a template.
	 * @param routingDataSource the application's routing DataSource
	 * @param router the router
	 * @param executor runs the shard calls
	 */
	public ShardedJdbcTemplate(DataSource routingDataSource, ShardRouter router, FanOutExecutor executor) {
		this.jdbcTemplate = new JdbcTemplate(routingDataSource);
		this.router = router;
		this.executor = executor;
	}

	private OffsetPage.NullSorting nullSorting() {
		OffsetPage.NullSorting nulls = this.nullSorting;
		if (nulls == null) {
			// All shards run the same kind of database; the first one answers for them.
			DataSource first = this.router.shards().all().get(0).dataSource();
			try (Connection connection = first.getConnection()) {
				nulls = OffsetPage.NullSorting.of(connection.getMetaData());
			}
			catch (SQLException ex) {
				throw new DataAccessResourceFailureException(
						"Cannot ask shard '" + this.router.shards().all().get(0).id() + "' how it sorts NULLs", ex);
			}
			this.nullSorting = nulls;
		}
		return nulls;
	}

	/**
	 * Target every shard.
	 * @return the targets
	 */
	public Targets onAllShards() {
		return new Targets(this.router.shards().all());
	}

	/**
	 * Target the shards that hold the given keys (default strategy).
	 * @param keys the shard keys
	 * @return the targets
	 */
	public Targets onShardsOf(Collection<?> keys) {
		return onShardsOf("", keys);
	}

	/**
	 * Target the shards that hold the given keys.
	 * @param strategy a strategy name, or empty for the default
	 * @param keys the shard keys
	 * @return the targets
	 */
	public Targets onShardsOf(String strategy, Collection<?> keys) {
		return new Targets(this.router.shardsOf(strategy, keys));
	}

	/**
	 * The shards a query runs on.
	 */
	public final class Targets {

		private final List<Shard> shards;

		private Targets(List<Shard> shards) {
			this.shards = shards;
		}

		/**
		 * Run a query on every target shard and concatenate the rows in shard order.
		 * @param <T> the row type
		 * @param sql the SQL
		 * @param rowMapper maps a row
		 * @param args statement parameters
		 * @return every shard's rows
		 */
		public <T> List<T> query(String sql, RowMapper<T> rowMapper, Object... args) {
			List<T> all = new ArrayList<>();
			perShard(sql, rowMapper, args).forEach(all::addAll);
			return all;
		}

		/**
		 * Run a query that finds at most one row across the target shards, such as a
		 * lookup by an id that does not tell its shard: every target shard runs it, and the
		 * one row found, if any, is the answer.
		 * @param <T> the row type
		 * @param sql the SQL
		 * @param rowMapper maps a row
		 * @param args statement parameters
		 * @return the row, or empty if no shard has one
		 * @throws IncorrectResultSizeDataAccessException if a shard returns several rows,
		 * or several shards return one (naming them): the query does not identify one row
		 */
		public <T> Optional<T> queryForOptional(String sql, RowMapper<T> rowMapper, Object... args) {
			Map<Shard, List<T>> rows = ShardedJdbcTemplate.this.executor.execute(ShardCallKind.FAN_OUT,
					"ShardedJdbcTemplate queryForOptional", sql, this.shards,
					(shard) -> ShardedJdbcTemplate.this.jdbcTemplate.query(sql, rowMapper, args));
			Shard found = null;
			T row = null;
			for (Map.Entry<Shard, List<T>> shardRows : rows.entrySet()) {
				List<T> list = shardRows.getValue();
				if (list.isEmpty()) {
					continue;
				}
				if (list.size() > 1 || found != null) {
					throw new IncorrectResultSizeDataAccessException("queryForOptional expects at most one row, but "
							+ ((list.size() > 1) ? "shard '" + shardRows.getKey().id() + "' returned " + list.size()
									: "shards '" + found.id() + "' and '" + shardRows.getKey().id() + "' returned one each")
							+ ": " + sql, 1);
				}
				found = shardRows.getKey();
				row = list.get(0);
			}
			return Optional.ofNullable(row);
		}

		/**
		 * Run a query that returns rows in an order on every target shard and merge them in
		 * that order. The SQL must sort by the same order as {@code order} (so that each
		 * shard's rows are sorted) and should limit its rows to {@code limit}: a shard never
		 * contributes more.
		 * @param <T> the row type
		 * @param sql the SQL, with ORDER BY (and LIMIT)
		 * @param rowMapper maps a row
		 * @param order the order of the SQL, as a comparator of mapped rows
		 * @param limit the most rows to return, or a negative number for all
		 * @param args statement parameters
		 * @return the first {@code limit} rows across shards
		 */
		public <T> List<T> queryOrdered(String sql, RowMapper<T> rowMapper, Comparator<? super T> order, int limit,
				Object... args) {
			return SortedMerge.merge(perShard(sql, rowMapper, args), order, limit);
		}

		/**
		 * Return one page of a query's rows in an order across the target shards: what
		 * {@code ORDER BY ... LIMIT size OFFSET offset} would return on one database holding
		 * every shard's rows, without each shard reading {@code offset + size} rows. The
		 * shards run up to three short statements: the query with conditions added to its
		 * WHERE and an ORDER BY and LIMIT appended (a query that is not a plain
		 * {@code select ... from ... [where ...]} runs as a derived table), so {@code sql}
		 * must not have an ORDER BY, LIMIT or OFFSET of its own.
		 * <pre class="code">
		 * List&lt;Report&gt; page = sharded.onAllShards().queryPage(
		 *         "select id, temperature from weather_reports where temperature &gt; ?", reportMapper,
		 *         PageRequest.of(500, 20, Sort.by(Sort.Order.desc("temperature"))), "id", 10.0);
		 * </pre>
		 * @param <T> the row type
		 * @param sql the query, without ORDER BY, LIMIT or OFFSET
		 * @param rowMapper maps a row
		 * @param pageable the page: offset, size and order by columns of the query (plain
		 * or table-qualified names, which a plain query's WHERE can refer to; without
		 * {@code ignoreCase}); unpaged returns every row in the order
		 * @param uniqueColumn the label of a unique, non-null column (such as the primary
		 * key), which breaks ties after the page's order so that every shard and the merge
		 * agree on one total order
		 * @param args statement parameters of {@code sql}
		 * @return the page's rows, at most {@code pageable.getPageSize()}
		 * @throws InvalidDataAccessApiUsageException if an order or the unique column is not
		 * a plain column label, or the order ignores case
		 */
		public <T> List<T> queryPage(String sql, RowMapper<T> rowMapper, Pageable pageable, String uniqueColumn,
				Object... args) {
			OffsetPage page = OffsetPage.of(sql, pageable.getSort(), uniqueColumn, nullSorting());
			Pageable paged = pageable.isPaged() ? pageable
					: org.springframework.data.domain.PageRequest.of(0, Integer.MAX_VALUE, pageable.getSort());
			return page.query(ShardedJdbcTemplate.this.executor, ShardedJdbcTemplate.this.jdbcTemplate, this.shards,
					paged, rowMapper, args);
		}

		/**
		 * Run a {@code GROUP BY} query on every target shard and combine the groups.
		 * @param sql the SQL, selecting the group columns and the per-shard partial
		 * aggregates named in {@code aggregation}
		 * @param aggregation how the columns combine
		 * @param args statement parameters
		 * @return one row per group, ordered by the group columns; column lookup ignores case
		 */
		public List<Map<String, Object>> aggregate(String sql, Aggregation aggregation, Object... args) {
			return aggregation.combine(perShard(sql, (rs, row) -> {
				Map<String, Object> map = new org.springframework.util.LinkedCaseInsensitiveMap<>();
				for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
					map.put(rs.getMetaData().getColumnLabel(i), value(rs, i));
				}
				return map;
			}, args));
		}

		/**
		 * Read a column as its JDBC object, or as a {@code double} where it holds NaN or an
		 * infinity that its JDBC type cannot represent: H2 sums and averages a
		 * {@code DOUBLE PRECISION} column in {@code DECFLOAT}, which maps to
		 * {@code BigDecimal}.
		 */
		private static Object value(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
			try {
				return rs.getObject(column);
			}
			catch (java.sql.SQLException ex) {
				double value;
				try {
					value = rs.getDouble(column);
				}
				catch (java.sql.SQLException notADouble) {
					ex.addSuppressed(notADouble);
					throw ex;
				}
				if (Double.isNaN(value) || Double.isInfinite(value)) {
					return value;
				}
				throw ex;
			}
		}

		private <T> List<List<T>> perShard(String sql, RowMapper<T> rowMapper, Object[] args) {
			return new ArrayList<>(ShardedJdbcTemplate.this.executor
				.execute(ShardCallKind.FAN_OUT, "ShardedJdbcTemplate query", sql, this.shards,
						(shard) -> ShardedJdbcTemplate.this.jdbcTemplate.query(sql, rowMapper, args))
				.values());
		}

	}

}
