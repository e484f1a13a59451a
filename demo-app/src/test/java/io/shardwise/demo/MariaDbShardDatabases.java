package io.shardwise.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The four shards' MariaDB databases, counted with the Performance Schema: statements on
 * the weather tables in each shard's database that connections of the application's
 * user ({@value MariaDbShards#APP_USER}) ran, as recorded in
 * {@code events_statements_history_long}. The tests' own inspection connects as root and
 * so is not counted.
 */
class MariaDbShardDatabases extends ShardDatabases {

	private final Connector root;

	/**
	 * Create the inspector.
	 * @param root opens a root connection to a shard's database
	 */
	MariaDbShardDatabases(Connector root) {
		this.root = root;
	}

	@Override
	String kind() {
		return "MariaDB";
	}

	@Override
	Connection connect(String shard) throws SQLException {
		return this.root.connect(shard);
	}

	@Override
	void resetStatementCounts() throws SQLException {
		for (String shard : SHARDS) {
			execute(shard, "truncate table performance_schema.events_statements_history_long");
		}
	}

	@Override
	Map<String, Integer> statementCounts() throws SQLException {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (String shard : SHARDS) {
			awaitFinishedStatements(shard);
			try (Connection connection = connect(shard);
					PreparedStatement statement = connection.prepareStatement("select count(*) "
							+ "from performance_schema.events_statements_history_long h "
							+ "join performance_schema.threads t on t.thread_id = h.thread_id "
							+ "where t.processlist_user = ? and h.current_schema = database() "
							+ "and h.sql_text like '%weather\\_%'")) {
				statement.setString(1, MariaDbShards.APP_USER);
				try (ResultSet result = statement.executeQuery()) {
					result.next();
					counts.put(shard, result.getInt(1));
				}
			}
		}
		return counts;
	}

	/**
	 * Wait until no statement of the application's user is still running on a shard. The
	 * server answers a query before it records the statement's end (for a statement with
	 * thousands of values that takes a moment), so the history may lag its client.
	 */
	private void awaitFinishedStatements(String shard) throws SQLException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		try (Connection connection = connect(shard);
				PreparedStatement statement = connection.prepareStatement("select count(*) "
						+ "from performance_schema.events_statements_current c "
						+ "join performance_schema.threads t on t.thread_id = c.thread_id "
						+ "where t.processlist_user = ? and c.end_event_id is null")) {
			statement.setString(1, MariaDbShards.APP_USER);
			while (true) {
				try (ResultSet result = statement.executeQuery()) {
					result.next();
					if (result.getInt(1) == 0 || System.nanoTime() > deadline) {
						return;
					}
				}
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new SQLException(ex);
				}
			}
		}
	}

	/**
	 * Opens a connection to a shard's database.
	 */
	@FunctionalInterface
	interface Connector {

		Connection connect(String shard) throws SQLException;

	}

}
