package io.shardwise.routing;

import java.sql.SQLException;

import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Thrown when a shard's connection pool cannot deliver a connection: its database is
 * down or unreachable, or every connection stayed busy for the pool's connection
 * timeout ({@code shardwise.shards.<id>.pool.connection-timeout}). Names the shard; the
 * cause is the pool's or driver's error.
 *
 * <p>It is a {@link CannotGetJdbcConnectionException}, and so a
 * {@link org.springframework.dao.DataAccessResourceFailureException}, rather than a
 * {@link ShardRoutingException}: the call was routed correctly and may succeed once the
 * shard is back, whereas a routing exception reports a mistake in the call that no retry
 * fixes. Code that already handles Spring's "cannot get a connection" keeps working,
 * and a statement that fails because the server died under an open connection surfaces
 * as a {@code DataAccessResourceFailureException} too.
 */
public class ShardUnavailableException extends CannotGetJdbcConnectionException {

	private final String shard;

	/**
	 * Create an exception for a shard whose pool failed to deliver a connection.
	 * @param shard the shard id
	 * @param cause the pool's or driver's error
	 */
	public ShardUnavailableException(String shard, SQLException cause) {
		super("Shard '" + shard + "' is unavailable: no connection could be obtained (" + cause.getMessage() + ")",
				cause);
		this.shard = shard;
	}

	/**
	 * Return the id of the unavailable shard.
	 * @return the shard id
	 */
	public String getShard() {
		return this.shard;
	}

}
