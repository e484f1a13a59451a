package io.shardwise.autoconfigure;

import io.shardwise.routing.ShardFailures;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.ShardUnavailableException;

import org.springframework.dao.DataAccessException;
import org.springframework.orm.jpa.vendor.HibernateJpaDialect;

/**
 * Hibernate's JPA dialect, except that a failure to reach a shard is translated into a
 * {@link ShardUnavailableException} naming it. {@code JpaTransactionManager} asks its
 * dialect to translate commit failures, and so does the {@code EntityManagerFactory}'s
 * exception translation of repositories: without this dialect, a write whose shard is
 * down surfaces as a {@code TransactionSystemException} ("Could not commit JPA
 * transaction") with the shard's exception several causes down, and a connection lost
 * during a statement as a {@code DataAccessResourceFailureException} or
 * {@code JpaSystemException} depending on its SQL state. Likewise a Shardwise refusal
 * raised by a flush at commit (a changed {@code @ShardKey}) surfaces as the
 * {@link ShardRoutingException} itself.
 */
class ShardwiseJpaDialect extends HibernateJpaDialect {

	private static final long serialVersionUID = 1L;

	@Override
	public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
		ShardUnavailableException unavailable = ShardFailures.translate(ex, null);
		if (unavailable != null) {
			return unavailable;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ShardRoutingException refusal) {
				return refusal;
			}
		}
		return super.translateExceptionIfPossible(ex);
	}

}
