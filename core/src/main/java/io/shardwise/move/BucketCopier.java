package io.shardwise.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

import io.shardwise.audit.ShardedTable;
import io.shardwise.placement.BucketOwnership;
import io.shardwise.routing.Shard;
import io.shardwise.strategy.HashShardStrategy;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The row work of a move, in plain JDBC on each shard's own DataSource: finding the rows
 * of some buckets on a shard, copying them into shadow tables on the target (one per
 * table, with the row's bucket in an extra column, invisible to the application's
 * queries), applying captured changes to the copy, comparing copy and source, moving a
 * bucket's copied rows into the real tables, and deleting them from the source.
 *
 * <p>A root table's rows belong to the bucket of their shard key column; a child table's
 * rows to the bucket of their parent row on the same shard. Tables are handled parents
 * first (deletes children first).
 */
final class BucketCopier {

	static final String BUCKET_COLUMN = "shardwise_bucket";

	private static final int IN_LIST = 500;

	private static final int FETCH_SIZE = 1000;

	private final List<ShardedTable> tables;

	private final HashShardStrategy strategy;

	private final int batchSize;

	int batchSize() {
		return this.batchSize;
	}

	private final Map<String, List<String>> columns = new ConcurrentHashMap<>();

	/**
	 * @param tables the moved tables, parents before children
	 * @param strategy the placed strategy
	 * @param batchSize rows per insert batch
	 */
	BucketCopier(List<ShardedTable> tables, HashShardStrategy strategy, int batchSize) {
		this.tables = tables;
		this.strategy = strategy;
		this.batchSize = batchSize;
	}

	List<ShardedTable> tables() {
		return this.tables;
	}

	ShardedTable table(String name) {
		for (ShardedTable table : this.tables) {
			if (table.name().equalsIgnoreCase(name)) {
				return table;
			}
		}
		return null;
	}

	static String shadow(ShardedTable table) {
		String name = table.name();
		int dot = name.indexOf('.');
		return (dot < 0) ? "shardwise_mv_" + name : name.substring(0, dot + 1) + "shardwise_mv_" + name.substring(dot + 1);
	}

	// ---- shadow tables

	void createShadows(Shard target) {
		run(target, "create the shadow tables", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				for (ShardedTable table : this.tables) {
					String shadow = shadow(table);
					statement.execute("drop table if exists " + shadow);
					statement.execute("create table " + shadow + " as select * from " + table.name() + " where 1 = 0");
					statement.execute("alter table " + shadow + " add column " + BUCKET_COLUMN + " integer");
					statement.execute("create index " + shadow.substring(shadow.indexOf('.') + 1) + "_idx on " + shadow
							+ " (" + table.idColumn() + ")");
				}
			}
			connection.commit();
			return null;
		});
	}

	void dropShadows(Shard target) {
		run(target, "drop the shadow tables", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				for (ShardedTable table : this.tables) {
					statement.execute("drop table if exists " + shadow(table));
				}
			}
			connection.commit();
			return null;
		});
	}

	boolean hasShadows(Shard target) {
		return run(target, "look for the shadow tables", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("select count(*) from " + shadow(this.tables.get(0))).close();
				return true;
			}
			catch (SQLException ex) {
				return false;
			}
		});
	}

	// ---- copy

	/**
	 * Copy the rows of some buckets from a source shard into the target's shadow tables.
	 * @return the ids found, by table, each with its bucket
	 */
	Map<String, Map<Object, Integer>> copy(Shard source, Shard target, Set<Integer> buckets, LongConsumer copied) {
		Map<String, Map<Object, Integer>> found = new LinkedHashMap<>();
		try (Connection from = source.dataSource().getConnection(); Connection to = target.dataSource().getConnection()) {
			from.setAutoCommit(false);
			to.setAutoCommit(false);
			try {
				for (ShardedTable table : this.tables) {
					Map<Object, Integer> ids = new HashMap<>();
					found.put(table.name(), ids);
					List<String> cols = columns(from, table);
					Map<Object, Integer> parents = table.isChild() ? found.get(table.parentTable()) : null;
					try (PreparedStatement insert = to.prepareStatement(insertShadow(table, cols));
							Statement select = from.createStatement()) {
						select.setFetchSize(FETCH_SIZE);
						int pending = 0;
						try (ResultSet rows = select.executeQuery("select " + String.join(", ", cols) + " from " + table.name())) {
							int idIndex = index(cols, table.idColumn());
							int refIndex = index(cols, table.isChild() ? table.parentColumn() : table.keyColumn());
							while (rows.next()) {
								Object reference = rows.getObject(refIndex + 1);
								Integer bucket = bucketOf(reference, parents);
								if (bucket == null || !buckets.contains(bucket)) {
									continue;
								}
								ids.put(rows.getObject(idIndex + 1), bucket);
								for (int i = 0; i < cols.size(); i++) {
									insert.setObject(i + 1, rows.getObject(i + 1));
								}
								insert.setInt(cols.size() + 1, bucket);
								insert.addBatch();
								if (++pending == this.batchSize) {
									insert.executeBatch();
									to.commit();
									copied.accept(pending);
									pending = 0;
								}
							}
						}
						if (pending > 0) {
							insert.executeBatch();
							to.commit();
							copied.accept(pending);
						}
					}
				}
			}
			finally {
				from.rollback();
				to.rollback();
			}
		}
		catch (SQLException ex) {
			throw failure("copy buckets from shard '" + source.id() + "' to shard '" + target.id() + "'", ex);
		}
		return found;
	}

	private Integer bucketOf(Object reference, Map<Object, Integer> parents) {
		if (reference == null) {
			return null;
		}
		if (parents != null) {
			return parents.get(reference);
		}
		return this.strategy.bucketOf(reference);
	}

	// ---- catch-up

	/**
	 * Apply captured changes to the copy: each changed row is read again from the source
	 * and replaces (or, if gone, removes) its copy. Idempotent and order-free.
	 * @return the number applied
	 */
	int apply(Shard source, Shard target, List<BucketOwnership.Change> changes) {
		if (changes.isEmpty()) {
			return 0;
		}
		// Per table: read the changed rows again in one query per chunk, delete their
		// copies in one statement, insert the rows that still exist in one batch.
		Map<String, Map<Long, Integer>> byTable = new LinkedHashMap<>();
		for (BucketOwnership.Change change : changes) {
			ShardedTable table = table(change.table());
			if (table == null) {
				throw new IllegalStateException("A write to table '" + change.table() + "' was captured, but no "
						+ "ShardedTable describes it; declare it so that the mover copies it");
			}
			byTable.computeIfAbsent(table.name(), (key) -> new LinkedHashMap<>()).put(change.rowId(), change.bucket());
		}
		try (Connection from = source.dataSource().getConnection(); Connection to = target.dataSource().getConnection()) {
			to.setAutoCommit(false);
			try {
				for (Map.Entry<String, Map<Long, Integer>> entry : byTable.entrySet()) {
					ShardedTable table = table(entry.getKey());
					List<String> cols = columns(from, table);
					int idIndex = index(cols, table.idColumn());
					List<Long> ids = new ArrayList<>(entry.getValue().keySet());
					try (PreparedStatement insert = to.prepareStatement(insertShadow(table, cols))) {
						for (int start = 0; start < ids.size(); start += IN_LIST) {
							List<Long> chunk = ids.subList(start, Math.min(ids.size(), start + IN_LIST));
							String in = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
							try (PreparedStatement delete = to.prepareStatement(
									"delete from " + shadow(table) + " where " + table.idColumn() + " in (" + in + ")")) {
								for (int i = 0; i < chunk.size(); i++) {
									delete.setLong(i + 1, chunk.get(i));
								}
								delete.executeUpdate();
							}
							try (PreparedStatement select = from.prepareStatement("select " + String.join(", ", cols)
									+ " from " + table.name() + " where " + table.idColumn() + " in (" + in + ")")) {
								for (int i = 0; i < chunk.size(); i++) {
									select.setLong(i + 1, chunk.get(i));
								}
								try (ResultSet rows = select.executeQuery()) {
									while (rows.next()) {
										for (int i = 0; i < cols.size(); i++) {
											insert.setObject(i + 1, rows.getObject(i + 1));
										}
										Object id = rows.getObject(idIndex + 1);
										insert.setInt(cols.size() + 1, entry.getValue().get(((Number) id).longValue()));
										insert.addBatch();
									}
								}
							}
						}
						insert.executeBatch();
					}
				}
				to.commit();
			}
			catch (SQLException | RuntimeException ex) {
				to.rollback();
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw failure("apply captured changes from shard '" + source.id() + "' to shard '" + target.id() + "'", ex);
		}
		return changes.size();
	}

	// ---- verification

	/**
	 * Compare the source rows of some buckets, found by scanning the source, with their
	 * copies.
	 * @return per table, each differing row id with what differs
	 */
	Map<String, Map<Object, String>> diff(Shard source, Shard target, Set<Integer> buckets) {
		Map<String, Map<Object, Long>> sourceRows = new LinkedHashMap<>();
		Map<String, Map<Object, Integer>> found = new HashMap<>();
		run(source, "read rows to verify", (connection) -> {
			for (ShardedTable table : this.tables) {
				List<String> cols = columns(connection, table);
				Map<Object, Integer> parents = table.isChild() ? found.get(table.parentTable()) : null;
				Map<Object, Integer> ids = new HashMap<>();
				Map<Object, Long> sums = new HashMap<>();
				found.put(table.name(), ids);
				sourceRows.put(table.name(), sums);
				int idIndex = index(cols, table.idColumn());
				int refIndex = index(cols, table.isChild() ? table.parentColumn() : table.keyColumn());
				try (Statement select = connection.createStatement()) {
					select.setFetchSize(FETCH_SIZE);
					try (ResultSet rows = select.executeQuery("select " + String.join(", ", cols) + " from " + table.name())) {
						while (rows.next()) {
							Integer bucket = bucketOf(rows.getObject(refIndex + 1), parents);
							if (bucket != null && buckets.contains(bucket)) {
								Object id = rows.getObject(idIndex + 1);
								ids.put(id, bucket);
								sums.put(id, checksum(rows, cols.size()));
							}
						}
					}
				}
			}
			return null;
		});
		Map<String, Map<Object, Long>> copies = new LinkedHashMap<>();
		run(target, "read copies to verify", (connection) -> {
			for (ShardedTable table : this.tables) {
				copies.put(table.name(), shadowRows(connection, table, buckets));
			}
			return null;
		});
		return compare(sourceRows, copies);
	}

	/**
	 * Compare one bucket's copies with their source rows, read by id (the bucket's rows
	 * are exactly its copies once every captured change is applied).
	 */
	Map<String, Map<Object, String>> diffBucket(Shard source, Shard target, int bucket) {
		Map<String, Map<Object, Long>> copies = new LinkedHashMap<>();
		run(target, "read copies to verify", (connection) -> {
			for (ShardedTable table : this.tables) {
				copies.put(table.name(), shadowRows(connection, table, Set.of(bucket)));
			}
			return null;
		});
		Map<String, Map<Object, Long>> sourceRows = new LinkedHashMap<>();
		run(source, "read rows to verify", (connection) -> {
			for (ShardedTable table : this.tables) {
				List<String> cols = columns(connection, table);
				int idIndex = index(cols, table.idColumn());
				Map<Object, Long> sums = new HashMap<>();
				sourceRows.put(table.name(), sums);
				List<Object> ids = new ArrayList<>(copies.get(table.name()).keySet());
				for (int from = 0; from < ids.size(); from += IN_LIST) {
					List<Object> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
					try (PreparedStatement select = connection.prepareStatement("select " + String.join(", ", cols)
							+ " from " + table.name() + " where " + table.idColumn() + " in ("
							+ String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
						for (int i = 0; i < chunk.size(); i++) {
							select.setObject(i + 1, chunk.get(i));
						}
						try (ResultSet rows = select.executeQuery()) {
							while (rows.next()) {
								sums.put(rows.getObject(idIndex + 1), checksum(rows, cols.size()));
							}
						}
					}
				}
			}
			return null;
		});
		return compare(sourceRows, copies);
	}

	/**
	 * Compare some rows of one bucket, by id, between source and copy: the rows written
	 * since the bucket was verified.
	 * @param ids the row ids by (lower-case) table name
	 */
	Map<String, Map<Object, String>> diffRows(Shard source, Shard target, int bucket, Map<String, Set<Long>> ids) {
		Map<String, Map<Object, Long>> sourceRows = new LinkedHashMap<>();
		Map<String, Map<Object, Long>> copies = new LinkedHashMap<>();
		run(source, "read rows to verify", (connection) -> {
			for (ShardedTable table : this.tables) {
				sourceRows.put(table.name(), rowsById(connection, table, table.name(),
						ids.getOrDefault(table.name().toLowerCase(Locale.ROOT), Set.of())));
			}
			return null;
		});
		run(target, "read copies to verify", (connection) -> {
			for (ShardedTable table : this.tables) {
				copies.put(table.name(), rowsById(connection, table, shadow(table),
						ids.getOrDefault(table.name().toLowerCase(Locale.ROOT), Set.of())));
			}
			return null;
		});
		return compare(sourceRows, copies);
	}

	private Map<Object, Long> rowsById(Connection connection, ShardedTable table, String from, Collection<?> ids)
			throws SQLException {
		List<String> cols = columns(connection, table);
		int idIndex = index(cols, table.idColumn());
		Map<Object, Long> sums = new HashMap<>();
		List<Object> all = new ArrayList<>(ids);
		for (int start = 0; start < all.size(); start += IN_LIST) {
			List<Object> chunk = all.subList(start, Math.min(all.size(), start + IN_LIST));
			try (PreparedStatement select = connection.prepareStatement("select " + String.join(", ", cols) + " from "
					+ from + " where " + table.idColumn() + " in ("
					+ String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
				for (int i = 0; i < chunk.size(); i++) {
					select.setObject(i + 1, chunk.get(i));
				}
				try (ResultSet rows = select.executeQuery()) {
					while (rows.next()) {
						sums.put(rows.getObject(idIndex + 1), checksum(rows, cols.size()));
					}
				}
			}
		}
		return sums;
	}

	private Map<Object, Long> shadowRows(Connection connection, ShardedTable table, Collection<Integer> buckets)
			throws SQLException {
		List<String> cols = columns(connection, table);
		int idIndex = index(cols, table.idColumn());
		Map<Object, Long> sums = new HashMap<>();
		try (PreparedStatement select = connection.prepareStatement("select " + String.join(", ", cols) + ", "
				+ BUCKET_COLUMN + " from " + shadow(table))) {
			select.setFetchSize(FETCH_SIZE);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					if (buckets.contains(rows.getInt(cols.size() + 1))) {
						sums.put(rows.getObject(idIndex + 1), checksum(rows, cols.size()));
					}
				}
			}
		}
		return sums;
	}

	private static Map<String, Map<Object, String>> compare(Map<String, Map<Object, Long>> sources,
			Map<String, Map<Object, Long>> copies) {
		Map<String, Map<Object, String>> differences = new LinkedHashMap<>();
		sources.forEach((table, rows) -> {
			Map<Object, Long> copied = copies.getOrDefault(table, Map.of());
			Map<Object, String> differing = new LinkedHashMap<>();
			rows.forEach((id, sum) -> {
				Long copy = copied.get(id);
				if (copy == null) {
					differing.put(id, "missing on target");
				}
				else if (!copy.equals(sum)) {
					differing.put(id, "differs (checksum " + Long.toHexString(sum) + " vs " + Long.toHexString(copy) + ")");
				}
			});
			copied.keySet().stream().filter((id) -> !rows.containsKey(id)).forEach((id) -> differing.put(id, "not on source"));
			if (!differing.isEmpty()) {
				differences.put(table, differing);
			}
		});
		return differences;
	}

	/** A 64-bit checksum of a row's values (the first {@code count} columns). */
	private static long checksum(ResultSet row, int count) throws SQLException {
		long hash = 0xcbf29ce484222325L;
		for (int i = 1; i <= count; i++) {
			Object value = row.getObject(i);
			String text = (value == null) ? "\u0000null"
					: (value instanceof byte[] bytes) ? Base64.getEncoder().encodeToString(bytes) : value.toString();
			for (int c = 0; c < text.length(); c++) {
				hash = (hash ^ text.charAt(c)) * 0x100000001b3L;
			}
			hash = (hash ^ 0x1f) * 0x100000001b3L;
		}
		return hash;
	}

	// ---- cutover and cleanup

	/**
	 * Insert a bucket's copies into the target's real tables, parents first, on the
	 * target's open transaction.
	 */
	void moveIn(Connection target, int bucket) throws SQLException {
		for (ShardedTable table : this.tables) {
			List<String> cols = columns(target, table);
			String list = String.join(", ", cols);
			try (PreparedStatement insert = target.prepareStatement("insert into " + table.name() + " (" + list
					+ ") select " + list + " from " + shadow(table) + " where " + BUCKET_COLUMN + " = ?")) {
				insert.setInt(1, bucket);
				insert.executeUpdate();
			}
		}
	}

	/**
	 * Return the ids of a bucket's copies, by table.
	 */
	Map<String, List<Object>> copiedIds(Shard target, int bucket) {
		return run(target, "read copied ids", (connection) -> {
			Map<String, List<Object>> ids = new LinkedHashMap<>();
			for (ShardedTable table : this.tables) {
				List<Object> list = new ArrayList<>();
				try (PreparedStatement select = connection.prepareStatement("select " + table.idColumn() + " from "
						+ shadow(table) + " where " + BUCKET_COLUMN + " = ?")) {
					select.setInt(1, bucket);
					try (ResultSet rows = select.executeQuery()) {
						while (rows.next()) {
							list.add(rows.getObject(1));
						}
					}
				}
				ids.put(table.name(), list);
			}
			return ids;
		});
	}

	/**
	 * Delete rows by id on an open transaction of their old shard, children first.
	 * @return the rows deleted
	 */
	long delete(Connection source, Map<String, List<Object>> ids) throws SQLException {
		long deleted = 0;
		for (int i = this.tables.size() - 1; i >= 0; i--) {
			ShardedTable table = this.tables.get(i);
			try (PreparedStatement delete = source
				.prepareStatement("delete from " + table.name() + " where " + table.idColumn() + " = ?")) {
				int pending = 0;
				for (Object id : ids.getOrDefault(table.name(), List.of())) {
					delete.setObject(1, id);
					delete.addBatch();
					if (++pending == this.batchSize) {
						deleted += sum(delete.executeBatch());
						pending = 0;
					}
				}
				if (pending > 0) {
					deleted += sum(delete.executeBatch());
				}
			}
		}
		return deleted;
	}

	void deleteCopies(Shard target, int bucket) {
		run(target, "delete copies", (connection) -> {
			for (ShardedTable table : this.tables) {
				try (PreparedStatement delete = connection
					.prepareStatement("delete from " + shadow(table) + " where " + BUCKET_COLUMN + " = ?")) {
					delete.setInt(1, bucket);
					delete.executeUpdate();
				}
			}
			connection.commit();
			return null;
		});
	}

	// ---- helpers

	private List<String> columns(Connection connection, ShardedTable table) throws SQLException {
		List<String> cols = this.columns.get(table.name());
		if (cols == null) {
			cols = new ArrayList<>();
			try (Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("select * from " + table.name() + " where 1 = 0")) {
				ResultSetMetaData meta = result.getMetaData();
				for (int i = 1; i <= meta.getColumnCount(); i++) {
					cols.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
				}
			}
			this.columns.put(table.name(), cols);
		}
		return cols;
	}

	private static int index(List<String> cols, String column) {
		int index = cols.indexOf(column.toLowerCase(Locale.ROOT));
		if (index < 0) {
			throw new IllegalStateException("Column '" + column + "' not found among " + cols);
		}
		return index;
	}

	private static String insertShadow(ShardedTable table, List<String> cols) {
		return "insert into " + shadow(table) + " (" + String.join(", ", cols) + ", " + BUCKET_COLUMN + ") values ("
				+ String.join(", ", java.util.Collections.nCopies(cols.size() + 1, "?")) + ")";
	}

	private static long sum(int[] counts) {
		long total = 0;
		for (int count : counts) {
			total += Math.max(count, 0);
		}
		return total;
	}

	private static <T> T run(Shard shard, String what, Work<T> work) {
		try (Connection connection = shard.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			try {
				return work.run(connection);
			}
			finally {
				connection.rollback();
			}
		}
		catch (SQLException ex) {
			throw failure(what + " on shard '" + shard.id() + "'", ex);
		}
	}

	static DataAccessResourceFailureException failure(String what, SQLException ex) {
		return new DataAccessResourceFailureException("Cannot " + what + ": " + ex.getMessage(), ex);
	}

	@FunctionalInterface
	private interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

}
