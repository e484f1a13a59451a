package io.shardwise.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks inside each shard's H2 database directly, by URL, through plain JDBC: nothing of
 * Shardwise (no pool, no routing) is involved, so what it sees is what is stored.
 */
final class ShardDatabases {

	static final Map<String, String> SHARD_OF_CONTINENT = Map.of("North America", "north_america", "Asia", "asia",
			"Europe", "europe", "South America", "south_america");

	static final List<String> SHARDS = List.of("north_america", "asia", "europe", "south_america");

	/** Prefix of the cities that tests create; {@link #deleteTestRows()} removes them. */
	static final String TEST_CITY = "T-";

	private ShardDatabases() {
	}

	static Connection connect(String shard) throws SQLException {
		return DriverManager.getConnection("jdbc:h2:mem:" + shard, "sa", "");
	}

	/** Every location row of a shard: id, continent and city. */
	static List<Location> locations(String shard) throws SQLException {
		List<Location> rows = new ArrayList<>();
		try (Connection connection = connect(shard); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select id, continent, city from weather_locations")) {
			while (result.next()) {
				rows.add(new Location(result.getLong(1), result.getString(2), result.getString(3)));
			}
		}
		return rows;
	}

	/** Every report row of a shard: id, location id and temperature. */
	static List<ReportRow> reports(String shard) throws SQLException {
		List<ReportRow> rows = new ArrayList<>();
		try (Connection connection = connect(shard); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select id, location_id, temperature from weather_reports")) {
			while (result.next()) {
				rows.add(new ReportRow(result.getLong(1), result.getLong(2), result.getDouble(3)));
			}
		}
		return rows;
	}

	static void execute(String shard, String sql) throws SQLException {
		try (Connection connection = connect(shard); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** Starts counting statements afresh in every shard's database. */
	static void resetStatementCounts() throws SQLException {
		for (String shard : SHARDS) {
			execute(shard, "SET QUERY_STATISTICS FALSE");
			execute(shard, "SET QUERY_STATISTICS TRUE");
		}
	}

	/**
	 * Number of statements on the weather tables that each shard's database executed
	 * since {@link #resetStatementCounts()}, as counted by H2 itself.
	 */
	static Map<String, Integer> statementCounts() throws SQLException {
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

	static void deleteTestRows() throws SQLException {
		for (String shard : SHARDS) {
			execute(shard, "delete from weather_reports where location_id in "
					+ "(select id from weather_locations where city like '" + TEST_CITY + "%')");
			execute(shard, "delete from weather_locations where city like '" + TEST_CITY + "%'");
		}
	}

	record Location(long id, String continent, String city) {
	}

	record ReportRow(long id, long locationId, double temperature) {
	}

}
