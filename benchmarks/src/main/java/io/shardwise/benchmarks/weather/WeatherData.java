package io.shardwise.benchmarks.weather;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;

/**
 * The benchmark workload: the demo's weather schema on four shards, one per continent,
 * holding {@value #LOCATIONS} locations and {@value #REPORTS_PER_LOCATION} reports per
 * location. Rows are written with plain batched JDBC through each shard's own pool, with
 * ids drawn from the shard's Shardwise id sequence, so that {@code findById} can route
 * them.
 *
 * <p>Every database URL carries {@code OPTIMIZE_REUSE_RESULTS=FALSE}: H2 otherwise
 * answers a repeated identical query from a result cache while no table changed, and the
 * benchmarks would measure that cache.
 */
public final class WeatherData {

	/** Total number of locations, spread evenly over the continents. */
	public static final int LOCATIONS = 40_000;

	/** Reports stored for each location. */
	public static final int REPORTS_PER_LOCATION = 4;

	/** The continents, in shard declaration order: a continent's shard index is its position. */
	public static final List<String> CONTINENTS = List.of("North America", "Asia", "Europe", "South America");

	/** The continent whose shard the keyed benchmarks read and write. */
	public static final String FOCUS_CONTINENT = "Europe";

	private static final int BATCH_SIZE = 1_000;

	private static final LocalDateTime FIRST_REPORT = LocalDateTime.of(2025, 1, 1, 0, 0);

	private WeatherData() {
	}

	/**
	 * Return the shard id of a continent, for example {@code north_america}.
	 * @param continent one of {@link #CONTINENTS}
	 * @return its shard id
	 */
	public static String shardOf(String continent) {
		return continent.toLowerCase().replace(' ', '_');
	}

	/**
	 * Return the URL of an in-memory H2 database that lives as long as the JVM.
	 * @param database the database name
	 * @return the JDBC URL
	 */
	public static String url(String database) {
		return "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE";
	}

	/**
	 * Return the Shardwise properties of four shards named after the continents, each an
	 * in-memory H2 database {@code <prefix>_<shard>}, and the continent lookup strategy.
	 * @param databasePrefix prefix of the database names
	 * @return the properties
	 */
	public static Map<String, Object> shardwiseProperties(String databasePrefix) {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String continent : CONTINENTS) {
			String shard = shardOf(continent);
			properties.put("shardwise.shards.[" + shard + "].url", url(databasePrefix + "_" + shard));
			properties.put("shardwise.shards.[" + shard + "].username", "sa");
			properties.put("shardwise.strategies.continent.mapping.[" + continent + "]", shard);
		}
		properties.put("shardwise.strategies.continent.type", "lookup");
		properties.put("shardwise.default-strategy", "continent");
		return properties;
	}

	/**
	 * Return the properties every benchmark context shares: no web server, no banner,
	 * quiet logs.
	 * @return the properties
	 */
	public static Map<String, Object> commonProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.main.web-application-type", "none");
		properties.put("logging.level.root", "WARN");
		// Flyway warns on every migration that H2 2.4 is newer than the version it was verified with.
		properties.put("logging.level.org.flywaydb.core.internal.database.base.Database", "ERROR");
		properties.put("spring.jpa.open-in-view", "false");
		return properties;
	}

	/**
	 * Write the workload into empty, migrated shards, one shard per thread of the common
	 * pool, and return the keys of the focus continent's locations, shuffled.
	 * @param shards the shards, one per continent
	 * @return the focus continent's location keys
	 */
	public static LocationKeys load(Shards shards) {
		List<LocationKeys> loaded = CONTINENTS.parallelStream()
			.map((continent) -> load(shards.get(shardOf(continent)), continent))
			.toList();
		return loaded.get(CONTINENTS.indexOf(FOCUS_CONTINENT));
	}

	private static LocationKeys load(Shard shard, String continent) {
		SplittableRandom random = new SplittableRandom(CONTINENTS.indexOf(continent));
		int perContinent = LOCATIONS / CONTINENTS.size();
		long[] ids = new long[perContinent];
		String[] cities = new String[perContinent];
		try (Connection connection = shard.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			insertLocations(connection, shard, continent, ids, cities);
			insertReports(connection, shard, ids, random);
			connection.commit();
			try (Statement statement = connection.createStatement()) {
				statement.execute("analyze");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot load shard " + shard.id(), ex);
		}
		return LocationKeys.shuffled(continent, ids, cities, random);
	}

	private static void insertLocations(Connection connection, Shard shard, String continent, long[] ids,
			String[] cities) throws SQLException {
		String prefix = shardOf(continent) + "-";
		try (PreparedStatement insert = connection
			.prepareStatement("insert into weather_locations (id, continent, city) values (?, ?, ?)")) {
			for (int i = 0; i < ids.length; i++) {
				ids[i] = shard.nextId();
				cities[i] = prefix + i;
				insert.setLong(1, ids[i]);
				insert.setString(2, continent);
				insert.setString(3, cities[i]);
				insert.addBatch();
				if ((i + 1) % BATCH_SIZE == 0) {
					insert.executeBatch();
				}
			}
			insert.executeBatch();
		}
	}

	private static void insertReports(Connection connection, Shard shard, long[] locationIds, SplittableRandom random)
			throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement(
				"insert into weather_reports (id, location_id, temperature, report_time) values (?, ?, ?, ?)")) {
			int rows = 0;
			for (long locationId : locationIds) {
				for (int r = 0; r < REPORTS_PER_LOCATION; r++) {
					insert.setLong(1, shard.nextId());
					insert.setLong(2, locationId);
					insert.setDouble(3, Math.round(random.nextDouble(-30, 45) * 10) / 10.0);
					insert.setTimestamp(4, Timestamp.valueOf(FIRST_REPORT.plusHours(rows % 8760)));
					insert.addBatch();
					if (++rows % BATCH_SIZE == 0) {
						insert.executeBatch();
					}
				}
			}
			insert.executeBatch();
		}
	}

	/**
	 * Count the rows of a table in one database, to check a load.
	 * @param connection a connection to the database
	 * @param table the table
	 * @return its row count
	 * @throws SQLException if the query fails
	 */
	public static long count(Connection connection, String table) throws SQLException {
		try (Statement statement = connection.createStatement();
				var result = statement.executeQuery("select count(*) from " + table)) {
			result.next();
			return result.getLong(1);
		}
	}

}
