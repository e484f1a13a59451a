package io.shardwise.demo;

import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The demo tests' four PostgreSQL servers ({@link EmbeddedPostgresShards}) for test
 * applications in other packages: one set of servers per test run, each application in
 * its own database.
 */
public final class SharedPostgresShards {

	public static final String USER = EmbeddedPostgresShards.APP_USER;

	public static final String PASSWORD = EmbeddedPostgresShards.APP_PASSWORD;

	private SharedPostgresShards() {
	}

	/**
	 * Return the shard ids the servers are named after.
	 * @return the shard ids
	 */
	public static List<String> shards() {
		return ShardDatabases.SHARDS;
	}

	/**
	 * Return the JDBC URL of a database on a shard's server, creating it on first use.
	 * @param shard the shard id
	 * @param database the database name, a plain identifier
	 * @return the JDBC URL
	 */
	public static String url(String shard, String database) {
		return EmbeddedPostgresShards.get().url(shard, database);
	}

	/**
	 * Stops the servers when the whole test run ends; add it to every test class that
	 * uses them.
	 */
	public static final class StopAfterAllTests implements BeforeAllCallback {

		@Override
		public void beforeAll(ExtensionContext context) {
			new EmbeddedPostgresShards.StopAfterAllTests().beforeAll(context);
		}

	}

}
