package io.shardwise.routing;

import java.sql.SQLException;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Thrown when a call cannot reach its shard: the shard's pool cannot deliver a
 * connection (its database is down or unreachable, or every connection stayed busy for
 * the pool's {@code connection-timeout}), the connection is lost during the call or at
 * its commit, or the shard has not rejoined yet after a degraded start. Names the shard;
 * the cause, if any, is the pool's or driver's error.
 *
 * <p>It is the one exception a caller catches for "shard unavailable", whatever the
 * path: Shardwise translates the driver's connection errors into it for JPA (including
 * commit failures that {@code JpaTransactionManager} would otherwise report as a
 * {@code TransactionSystemException}), for {@code JdbcTemplate}s on the Shardwise
 * DataSource, and for every shard call it runs itself. It is a
 * {@link DataAccessResourceFailureException} rather than a {@link ShardRoutingException}:
 * the call was routed correctly and may succeed once the shard is back, whereas a
 * routing exception reports a mistake in the call that no retry fixes. A write that
 * failed with it was rolled back, unless the connection was lost during the commit
 * itself, when the database alone knows whether the commit happened.
 */
public class ShardUnavailableException extends DataAccessResourceFailureException {

	private final String shard;

	/**
	 * Create an exception for a shard whose pool failed to deliver a connection.
	 * @param shard the shard id
	 * @param cause the pool's or driver's error
	 */
	public ShardUnavailableException(String shard, SQLException cause) {
		this(shard, "no connection could be obtained", cause);
	}

	/**
	 * Create an exception for a shard that could not be reached.
	 * @param shard the shard id
	 * @param problem what failed, for the message, such as "connection lost during the call"
	 * @param cause the driver's error, or {@code null}
	 */
	public ShardUnavailableException(String shard, String problem, Throwable cause) {
		super("Shard '" + shard + "' is unavailable: " + problem
				+ ((cause != null) ? " (" + cause.getMessage() + ")" : ""), cause);
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
