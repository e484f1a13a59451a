package io.shardwise.unitofwork;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRoutingException;

/**
 * Asks a shard's database whether the open transaction on a connection has written
 * anything. JDBC statements ({@code JdbcTemplate}, native queries) are invisible to
 * Shardwise, so this is how a unit of work learns, before it commits, that a second shard
 * was written.
 */
final class TransactionWrites {

	private TransactionWrites() {
	}

	/**
	 * Return whether the transaction on a connection wrote.
	 * @param shard the connection's shard, for messages
	 * @param connection the connection, or {@code null} if the shard was never connected
	 * @return whether it wrote
	 * @throws ShardRoutingException if the database cannot tell
	 */
	static boolean wrote(Shard shard, Connection connection) {
		if (connection == null) {
			return false;
		}
		try {
			String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
			String query = query(product);
			if (query == null) {
				throw new ShardRoutingException("Shard '" + shard.id() + "' runs " + product + ", for which Shardwise "
						+ "cannot tell whether a transaction wrote; a transaction on it cannot read from other shards");
			}
			try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
				return result.next() && result.getBoolean(1);
			}
		}
		catch (SQLException ex) {
			throw new ShardRoutingException("Cannot tell whether the transaction wrote to shard '" + shard.id()
					+ "', so it is rolled back (on MariaDB and MySQL the shard's user needs the PROCESS privilege "
					+ "to read information_schema.innodb_trx): " + ex.getMessage(), ex);
		}
	}

	private static String query(String product) {
		if (product.contains("postgres")) {
			// A transaction gets an id at its first write.
			return "select txid_current_if_assigned() is not null";
		}
		if (product.equals("h2")) {
			return "select contains_uncommitted from information_schema.sessions where session_id = session_id()";
		}
		if (product.contains("mariadb") || product.contains("mysql")) {
			return "select count(*) > 0 from information_schema.innodb_trx "
					+ "where trx_mysql_thread_id = connection_id() and trx_rows_modified > 0";
		}
		return null;
	}

}
