package io.shardwise.routing;

import org.springframework.transaction.support.ResourceHolderSupport;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Ties Spring-managed transactions to the shard they first touch. The binding is a
 * transaction resource, so it follows suspension and resumption of the transaction
 * (for example around {@code REQUIRES_NEW}) and ends with it.
 */
final class ShardTransactions {

	private static final Object KEY = ShardTransactions.class;

	private ShardTransactions() {
	}

	static Shard boundShard() {
		return (Shard) TransactionSynchronizationManager.getResource(KEY);
	}

	static Shard transactionShard(Shard selected) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return null;
		}
		Shard bound = boundShard();
		// A transaction that began while a shard was selected belongs to that shard.
		return (bound != null) ? bound : selected;
	}

	static void enter(Shard target, Shard selected) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return;
		}
		Shard owner = transactionShard(selected);
		if (owner != null && !owner.id().equals(target.id())) {
			markRollbackOnly();
			throw new ShardRoutingException("Call routed to shard '" + target.id()
					+ "' inside a transaction bound to shard '" + owner.id()
					+ "'; a transaction spans exactly one shard. Start a separate transaction per shard");
		}
		if (boundShard() == null && TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.bindResource(KEY, target);
			TransactionSynchronizationManager.registerSynchronization(new Binding(target));
		}
	}

	/**
	 * Mark the transaction rollback-only through its resource holders (connection,
	 * EntityManager), as a participating transaction would: this works for declarative
	 * and programmatic transactions alike, even if the caller swallows our exception.
	 */
	private static void markRollbackOnly() {
		for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
			if (resource instanceof ResourceHolderSupport holder) {
				holder.setRollbackOnly();
			}
		}
	}

	private record Binding(Shard shard) implements TransactionSynchronization {

		@Override
		public void suspend() {
			TransactionSynchronizationManager.unbindResourceIfPossible(KEY);
		}

		@Override
		public void resume() {
			TransactionSynchronizationManager.bindResource(KEY, this.shard);
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(KEY);
		}

	}

}
