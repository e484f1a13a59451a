package io.shardwise.unitofwork;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRoutingDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.util.ClassUtils;

/**
 * One read-only transaction for a fan-out of reads that runs shard after shard on the
 * calling thread, outside any transaction: the shard calls join it and share its
 * {@link ShardUnitOfWork} (one session and connection per shard), instead of each
 * beginning, and committing, a transaction of its own on its shard.
 *
 * <p>It is always rolled back, never committed: only calls that read run in it (the
 * caller decides which), so there is nothing to commit, and a rollback does not ask each
 * shard whether it wrote. A failed shard call that marks it rollback-only therefore
 * costs the other shards nothing. Entities read in it are detached when it ends, as
 * they are when each call ends its own transaction.
 */
public final class ReadOnlyUnitOfWork {

	private static final Log logger = LogFactory.getLog(ReadOnlyUnitOfWork.class);

	private static final TransactionDefinition READ_ONLY = readOnly();

	private static final boolean JPA_PRESENT = ClassUtils.isPresent("org.springframework.orm.jpa.EntityManagerHolder",
			ReadOnlyUnitOfWork.class.getClassLoader())
			&& ClassUtils.isPresent("org.hibernate.Session", ReadOnlyUnitOfWork.class.getClassLoader());

	private final PlatformTransactionManager transactionManager;

	private ReadOnlyUnitOfWork(PlatformTransactionManager transactionManager) {
		this.transactionManager = transactionManager;
	}

	/**
	 * Return the read-only units of work of a transaction manager, if its transactions
	 * are on the shards: a manager of Shardwise's routing DataSource, or of an
	 * EntityManagerFactory on it.
	 * @param transactionManager the transaction manager of the calls, or {@code null}
	 * @return the units of work, or {@code null} if the manager's transactions are
	 * something else (the calls then keep their own transactions)
	 */
	public static ReadOnlyUnitOfWork of(PlatformTransactionManager transactionManager) {
		if (!(transactionManager instanceof ResourceTransactionManager resources)) {
			return null;
		}
		Object factory = resources.getResourceFactory();
		boolean onShards = (factory instanceof DataSource dataSource) ? isShardwise(dataSource)
				: JPA_PRESENT && JpaUnitOfWork.isOnShards(factory);
		return onShards ? new ReadOnlyUnitOfWork(transactionManager) : null;
	}

	/**
	 * Begin a read-only transaction whose home is a shard, and connect to that shard now,
	 * so that a home shard that cannot be reached fails here, as itself, and not in the
	 * call of another shard.
	 * @param home the home shard: the first shard of the fan-out
	 * @return the transaction, to {@link Scope#close() close} when the fan-out ends
	 * @throws RuntimeException whatever connecting to the home shard throws; nothing is
	 * left open then
	 */
	public Scope begin(Shard home) {
		TransactionStatus status = this.transactionManager.getTransaction(READ_ONLY);
		try {
			ShardUnitOfWork.beginOn(home);
		}
		catch (RuntimeException | Error ex) {
			this.transactionManager.rollback(status);
			throw ex;
		}
		return new Scope(status);
	}

	private static boolean isShardwise(DataSource dataSource) {
		try {
			return dataSource.isWrapperFor(ShardRoutingDataSource.class);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private static TransactionDefinition readOnly() {
		DefaultTransactionDefinition definition = new DefaultTransactionDefinition(
				TransactionDefinition.PROPAGATION_REQUIRED);
		definition.setReadOnly(true);
		definition.setName(ReadOnlyUnitOfWork.class.getName());
		return definition;
	}

	/**
	 * An open read-only unit of work.
	 */
	public final class Scope implements AutoCloseable {

		private final TransactionStatus status;

		private Scope(TransactionStatus status) {
			this.status = status;
		}

		/**
		 * Roll the transaction back: close every shard's session and return its
		 * connection to the pool. A rollback that fails (a connection lost after its
		 * reads) is logged, not thrown: the reads are complete, and the transaction
		 * manager has released the transaction's resources all the same.
		 */
		@Override
		public void close() {
			try {
				ReadOnlyUnitOfWork.this.transactionManager.rollback(this.status);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not roll back a read-only unit of work", ex);
			}
		}

	}

}
