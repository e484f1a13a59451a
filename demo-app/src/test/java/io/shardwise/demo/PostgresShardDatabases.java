package io.shardwise.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The four shards' PostgreSQL databases, counted with {@code pg_stat_statements}: calls
 * of statements on the weather tables made by the application's user
 * ({@value EmbeddedPostgresShards#APP_USER}) in each shard's database. The tests' own
 * inspection connects as a superuser and so is not counted.
 */
class PostgresShardDatabases extends ShardDatabases {

	private final Connector superuser;

	/**
	 * Create the inspector.
	 * @param superuser opens a superuser connection to a shard's database
	 */
	PostgresShardDatabases(Connector superuser) {
		this.superuser = superuser;
	}

	@Override
	String kind() {
		return "PostgreSQL";
	}

	@Override
	Connection connect(String shard) throws SQLException {
		return this.superuser.connect(shard);
	}

	@Override
	void resetStatementCounts() throws SQLException {
		for (String shard : SHARDS) {
			try (Connection connection = connect(shard);
					PreparedStatement statement = connection.prepareStatement("select pg_stat_statements_reset("
							+ "(select oid from pg_roles where rolname = ?), "
							+ "(select oid from pg_database where datname = current_database()), 0)")) {
				statement.setString(1, EmbeddedPostgresShards.APP_USER);
				statement.execute();
			}
		}
	}

	@Override
	Map<String, Integer> statementCounts() throws SQLException {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (String shard : SHARDS) {
			try (Connection connection = connect(shard);
					PreparedStatement statement = connection.prepareStatement("select coalesce(sum(s.calls), 0) "
							+ "from pg_stat_statements s join pg_roles r on r.oid = s.userid "
							+ "join pg_database d on d.oid = s.dbid "
							+ "where r.rolname = ? and d.datname = current_database() and s.query like '%weather\\_%'")) {
				statement.setString(1, EmbeddedPostgresShards.APP_USER);
				try (ResultSet result = statement.executeQuery()) {
					result.next();
					counts.put(shard, result.getInt(1));
				}
			}
		}
		return counts;
	}

	/**
	 * Opens a connection to a shard's database.
	 */
	@FunctionalInterface
	interface Connector {

		Connection connect(String shard) throws SQLException;

	}

}
