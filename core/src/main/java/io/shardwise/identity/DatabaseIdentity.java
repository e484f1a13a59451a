package io.shardwise.identity;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.dao.DataAccessException;

/**
 * Which database a shard's connections reach, as the database itself tells it rather
 * than as its URL is spelled ({@code localhost} and {@code 127.0.0.1}, options, a
 * placeholder resolved twice to one value), so that two shards configured onto one
 * database are refused at startup: every unkeyed read would return their rows twice.
 *
 * <ul>
 * <li>PostgreSQL: the cluster's {@code system_identifier} (from
 * {@code pg_control_system()}, set once by {@code initdb}) and
 * {@code current_database()}; where the function is not allowed, the server's start time
 * and port in its place.
 * <li>H2: the file path of a file database ({@code DATABASE_PATH()}), or the name of a
 * named in-memory database, which is one database per JVM. Databases of an H2 server
 * ({@code tcp:}, {@code ssl:}) are not compared, their path being the server's.
 * <li>Other databases have no identity here and are not compared.
 * </ul>
 */
public final class DatabaseIdentity {

	private static final Log logger = LogFactory.getLog(DatabaseIdentity.class);

	private static final String H2_MEMORY = "jdbc:h2:mem:";

	private DatabaseIdentity() {
	}

	/**
	 * Read the identity of every shard's database and refuse two shards on one. A shard
	 * that cannot be reached is not compared (its unavailability is reported by
	 * whatever needs it).
	 * @param shards the shards
	 * @throws SharedShardDatabaseException if two shards reach the same database
	 */
	public static void requireDistinct(Shards shards) {
		Map<String, Shard> owners = new LinkedHashMap<>();
		for (Shard shard : shards.all()) {
			if (!shards.availability().isInService(shard.id())) {
				// Held out of service by a degraded start: do not wait for its pool.
				logger.warn("Shard '" + shard.id() + "' is not checked for sharing its database with another shard: "
						+ "it is out of service");
				continue;
			}
			String identity;
			try (Connection connection = shard.dataSource().getConnection()) {
				identity = read(connection);
			}
			catch (SQLException | DataAccessException ex) {
				logger.warn("Shard '" + shard.id() + "' is not checked for sharing its database with another shard: "
						+ "cannot connect (" + ex.getClass().getSimpleName() + ")");
				continue;
			}
			if (identity == null) {
				continue;
			}
			Shard owner = owners.putIfAbsent(identity, shard);
			if (owner != null) {
				throw new SharedShardDatabaseException(owner.id(), shard.id(), identity);
			}
		}
	}

	/**
	 * Read the identity of the database a connection is connected to.
	 * @param connection a connection
	 * @return the identity, or {@code null} if this kind of database has none here
	 * @throws SQLException if the database cannot be asked
	 */
	public static String read(Connection connection) throws SQLException {
		String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
		if (product.contains("postgresql")) {
			return postgres(connection);
		}
		if (product.equals("h2")) {
			return h2(connection);
		}
		return null;
	}

	private static String postgres(Connection connection) throws SQLException {
		String database = query(connection, "select current_database()");
		try {
			return "PostgreSQL cluster " + query(connection, "select system_identifier::text from pg_control_system()")
					+ ", database " + database;
		}
		catch (SQLException ex) {
			// Before PostgreSQL 9.6, or where EXECUTE on it was revoked: the server's start
			// time (to the microsecond) and port tell one running server from another.
			if (!connection.getAutoCommit()) {
				connection.rollback();
			}
			return "PostgreSQL server started " + query(connection, "select pg_postmaster_start_time()::text")
					+ " on port " + query(connection, "select coalesce(inet_server_port(), 0)::text") + ", database "
					+ database;
		}
	}

	private static String h2(Connection connection) throws SQLException {
		String url = connection.getMetaData().getURL();
		if (url == null || url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:")) {
			return null;
		}
		String path = query(connection, "select database_path()");
		if (path != null) {
			return "H2 file database " + path;
		}
		if (!url.startsWith(H2_MEMORY)) {
			return null;
		}
		int end = url.indexOf(';');
		String name = url.substring(H2_MEMORY.length(), (end >= 0) ? end : url.length());
		// An unnamed in-memory database is private to its connection: nothing to compare.
		return name.isEmpty() ? null : "H2 in-memory database " + name;
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : null;
		}
	}

}
