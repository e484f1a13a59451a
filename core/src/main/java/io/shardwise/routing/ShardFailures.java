package io.shardwise.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLErrorCodesFactory;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;

/**
 * Recognises the failures that mean "the shard cannot be reached" and turns them into
 * one {@link ShardUnavailableException} naming the shard, wherever they surface: a pool
 * that cannot deliver a connection, a connection lost during a statement, a commit whose
 * connection died. Spring's own translation would report them as
 * {@code DataAccessResourceFailureException}, {@code JpaSystemException} or
 * {@code TransactionSystemException} depending on the path and the SQL state.
 */
public final class ShardFailures {

	private static final int MAX_DEPTH = 16;

	private ShardFailures() {
	}

	/**
	 * Return the {@link ShardUnavailableException} that a failure amounts to, or
	 * {@code null} if it is not a shard unavailability. An unavailability already named
	 * in the failure's causes is returned as it is; a connection error of the driver is
	 * blamed on the given shard, or, if that is {@code null}, on the shard selected on
	 * this thread or bound to its transaction.
	 * @param failure a failure
	 * @param shard the shard the failing call ran on, or {@code null} if unknown
	 * @return the translated exception, or {@code null}
	 */
	public static ShardUnavailableException translate(Throwable failure, Shard shard) {
		if (failure instanceof ShardUnavailableException unavailable) {
			return unavailable;
		}
		SQLException connectionError = null;
		int depth = 0;
		for (Throwable cause = failure; cause != null && depth < MAX_DEPTH; cause = cause.getCause(), depth++) {
			if (cause instanceof ShardUnavailableException unavailable) {
				return unavailable;
			}
			if (connectionError == null && cause instanceof SQLException sql && isConnectionError(sql)) {
				connectionError = sql;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		if (connectionError == null) {
			return null;
		}
		Shard blamed = (shard != null) ? shard : ShardContext.effectiveShard();
		if (blamed == null) {
			return null;
		}
		return new ShardUnavailableException(blamed.id(), "connection lost", connectionError);
	}

	/**
	 * Translate a driver error on a shard's connection as {@code JdbcTemplate} would, by
	 * the error codes of the connection's database (a duplicate key into a
	 * {@code DuplicateKeyException}, a lock timeout into a
	 * {@code CannotAcquireLockException}, ...), or into a
	 * {@link ShardUnavailableException} naming the shard if the connection is lost: for
	 * the statements and commits that Shardwise itself runs on a shard.
	 * @param task what was being done, for the message
	 * @param ex the driver error
	 * @param connection the connection it happened on, whose database names the error codes
	 * @param shard the shard
	 * @return the translated exception
	 */
	public static DataAccessException translate(String task, SQLException ex, Connection connection, Shard shard) {
		if (isConnectionError(ex)) {
			return new ShardUnavailableException(shard.id(), "connection lost during " + task, ex);
		}
		String described = task + " on shard '" + shard.id() + "'";
		DataAccessException translated = null;
		try {
			translated = new SQLErrorCodeSQLExceptionTranslator(
					SQLErrorCodesFactory.getInstance().getErrorCodes(connection.getMetaData().getDatabaseProductName()))
				.translate(described, null, ex);
		}
		catch (SQLException | RuntimeException metadataUnavailable) {
			translated = new SQLStateSQLExceptionTranslator().translate(described, null, ex);
		}
		return (translated != null) ? translated : new UncategorizedSQLException(described, null, ex);
	}

	/**
	 * Return whether a driver error means that the database cannot be reached, or that
	 * the connection to it broke: SQL state class {@code 08} (connection exception), a
	 * server shutting down or not yet accepting connections ({@code 57P01} to
	 * {@code 57P03}), or the JDBC connection exception types.
	 * @param ex a driver error
	 * @return whether it is a connection error
	 */
	public static boolean isConnectionError(SQLException ex) {
		if (ex instanceof SQLTransientConnectionException || ex instanceof SQLNonTransientConnectionException) {
			return true;
		}
		String state = ex.getSQLState();
		return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
				|| state.equals("57P03"));
	}

}
