package io.shardwise.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain-JDBC access to the four H2 shard databases of a test context that uses its own
 * database names ({@code jdbc:h2:mem:<prefix>_<shard>}), and to any other named H2
 * database, bypassing Shardwise entirely. Every connection is closed after each call.
 */
final class NamedShardDatabases {

	private final String prefix;

	NamedShardDatabases(String prefix) {
		this.prefix = prefix;
	}

	static Connection connect(String database) throws SQLException {
		return DriverManager.getConnection("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1", "sa", "");
	}

	String database(String shard) {
		return this.prefix + "_" + shard;
	}

	void execute(String shard, String sql, Object... args) throws SQLException {
		update(database(shard), sql, args);
	}

	static int update(String database, String sql, Object... args) throws SQLException {
		try (Connection connection = connect(database); PreparedStatement statement = connection.prepareStatement(sql)) {
			bind(statement, args);
			return statement.executeUpdate();
		}
	}

	/** Rows of a query on a named database, each as its column values. */
	static List<List<Object>> rows(String database, String sql, Object... args) throws SQLException {
		List<List<Object>> rows = new ArrayList<>();
		try (Connection connection = connect(database); PreparedStatement statement = connection.prepareStatement(sql)) {
			bind(statement, args);
			try (ResultSet result = statement.executeQuery()) {
				int columns = result.getMetaData().getColumnCount();
				while (result.next()) {
					List<Object> row = new ArrayList<>(columns);
					for (int i = 1; i <= columns; i++) {
						row.add(result.getObject(i));
					}
					rows.add(row);
				}
			}
		}
		return rows;
	}

	/** The first column of each row, as longs (ids, counts). */
	static List<Long> longs(String database, String sql, Object... args) throws SQLException {
		return rows(database, sql, args).stream().map((row) -> ((Number) row.get(0)).longValue()).toList();
	}

	/** Starts counting statements and fetched rows afresh in every shard's database. */
	void resetStatistics() throws SQLException {
		for (String shard : ShardDatabases.SHARDS) {
			try (Connection connection = connect(database(shard)); Statement statement = connection.createStatement()) {
				statement.execute("SET QUERY_STATISTICS FALSE");
				statement.execute("SET QUERY_STATISTICS TRUE");
			}
		}
	}

	/**
	 * Rows that each shard's database returned, since {@link #resetStatistics()}, from
	 * SELECT statements on {@code table} other than counts, as H2 itself counted them.
	 */
	Map<String, Long> rowsFetched(String table) throws SQLException {
		Map<String, Long> fetched = new LinkedHashMap<>();
		for (String shard : ShardDatabases.SHARDS) {
			long rows = 0;
			for (List<Object> row : rows(database(shard),
					"select sql_statement, cumulative_row_count from information_schema.query_statistics")) {
				String sql = row.get(0).toString().toLowerCase();
				if (sql.startsWith("select") && sql.contains(table) && !sql.contains("count(")
						&& !sql.contains("query_statistics")) {
					rows += ((Number) row.get(1)).longValue();
				}
			}
			fetched.put(shard, rows);
		}
		return fetched;
	}

	/** Statements on {@code table} that each shard's database ran since the reset. */
	Map<String, Long> statements(String table) throws SQLException {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (String shard : ShardDatabases.SHARDS) {
			long count = 0;
			for (List<Object> row : rows(database(shard),
					"select sql_statement, execution_count from information_schema.query_statistics")) {
				String sql = row.get(0).toString().toLowerCase();
				if (sql.contains(table) && !sql.contains("query_statistics")) {
					count += ((Number) row.get(1)).longValue();
				}
			}
			counts.put(shard, count);
		}
		return counts;
	}

	private static void bind(PreparedStatement statement, Object[] args) throws SQLException {
		for (int i = 0; i < args.length; i++) {
			statement.setObject(i + 1, args[i]);
		}
	}

}
