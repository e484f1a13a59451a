package io.shardwise.demo;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lends the test run's {@link EmbeddedPostgresShards} servers to the mover tests (package
 * {@code io.shardwise.movetest}): five shard databases on the four servers, the fifth (the
 * new shard) as a second database on the first server.
 */
public final class PostgresServersForMoveTests implements BeforeAllCallback {

	public static final String USER = EmbeddedPostgresShards.APP_USER;

	public static final String PASSWORD = EmbeddedPostgresShards.APP_PASSWORD;

	/**
	 * Return the JDBC URLs of five fresh shard databases.
	 * @param database a database name prefix, a plain lowercase identifier
	 * @return the URLs, shards 0 to 4
	 */
	public static List<String> fiveShards(String database) {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		List<String> urls = new ArrayList<>();
		ShardDatabases.SHARDS.forEach((shard) -> urls.add(servers.url(shard, database)));
		urls.add(servers.url(ShardDatabases.SHARDS.get(0), database + "_new"));
		return urls;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		new EmbeddedPostgresShards.StopAfterAllTests().beforeAll(context);
	}

}
