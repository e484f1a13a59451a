package io.shardwise.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Looks inside each shard's database directly, by URL, through plain JDBC: nothing of
 * Shardwise (no pool, no routing) is involved, so what it sees is what is stored. One
 * implementation per kind of database, since counting the statements a database ran is
 * specific to each.
 */
abstract class ShardDatabases {

	static final Map<String, String> SHARD_OF_CONTINENT = Map.of("North America", "north_america", "Asia", "asia",
			"Europe", "europe", "South America", "south_america");

	static final List<String> SHARDS = List.of("north_america", "asia", "europe", "south_america");

	/** Prefix of the cities that tests create; {@link #deleteTestRows()} removes them. */
	static final String TEST_CITY = "T-";

	/** Name of the kind of database, for reports. */
	abstract String kind();

	/**
	 * Open a connection to a shard's database, bypassing Shardwise.
	 * @param shard the shard id
	 * @return a new connection
	 * @throws SQLException if the database cannot be reached
	 */
	abstract Connection connect(String shard) throws SQLException;

	/** Starts counting statements afresh in every shard's database. */
	abstract void resetStatementCounts() throws SQLException;

	/**
	 * Number of statements on the weather tables that each shard's database executed for
	 * the application since {@link #resetStatementCounts()}, as counted by the database.
	 */
	abstract Map<String, Integer> statementCounts() throws SQLException;

	/** Every location row of a shard: id, continent and city. */
	List<Location> locations(String shard) throws SQLException {
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
	List<ReportRow> reports(String shard) throws SQLException {
		List<ReportRow> rows = new ArrayList<>();
		try (Connection connection = connect(shard); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select id, location_id, temperature from weather_reports")) {
			while (result.next()) {
				rows.add(new ReportRow(result.getLong(1), result.getLong(2), result.getDouble(3)));
			}
		}
		return rows;
	}

	/** Cities of every location row of a shard. */
	List<String> cities(String shard) throws SQLException {
		return locations(shard).stream().map(Location::city).toList();
	}

	void execute(String shard, String sql) throws SQLException {
		try (Connection connection = connect(shard); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	void deleteTestRows() throws SQLException {
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
