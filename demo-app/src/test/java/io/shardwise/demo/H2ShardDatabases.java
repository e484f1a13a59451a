package io.shardwise.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's four in-memory H2 shards, counted with H2's own
 * {@code INFORMATION_SCHEMA.QUERY_STATISTICS}.
 */
class H2ShardDatabases extends ShardDatabases {

	@Override
	String kind() {
		return "H2";
	}

	@Override
	Connection connect(String shard) throws SQLException {
		return DriverManager.getConnection("jdbc:h2:mem:" + shard, "sa", "");
	}

	@Override
	void resetStatementCounts() throws SQLException {
		for (String shard : SHARDS) {
			execute(shard, "SET QUERY_STATISTICS FALSE");
			execute(shard, "SET QUERY_STATISTICS TRUE");
		}
	}

	@Override
	Map<String, Integer> statementCounts() throws SQLException {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (String shard : SHARDS) {
			try (Connection connection = connect(shard); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("select sql_statement, execution_count "
							+ "from information_schema.query_statistics")) {
				int count = 0;
				while (result.next()) {
					String sql = result.getString(1).toLowerCase();
					if (sql.contains("weather_") && !sql.contains("query_statistics")) {
						count += result.getInt(2);
					}
				}
				counts.put(shard, count);
			}
		}
		return counts;
	}

}
