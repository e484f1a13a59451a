package io.shardwise.routing;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The shard that calls on the current thread are routed to.
 *
 * <p>{@link #callOn(Shard, Action)} selects a shard for the duration of an action and
 * restores the previous selection afterwards, also when the action throws. A selection
 * is either <em>routed</em> (derived from a key, an entity or an id by Shardwise's
 * advice) or <em>pinned</em> ({@link #callPinned}: the application chose the shard, as
 * through {@code ShardTemplate.onShard}). A pinned shard wins: lookups by id search only
 * it, and a keyed call whose key maps to another shard is refused.
 *
 * <p>This class only selects. What a transaction does when calls inside it move between
 * shards is decided by the unit of work ({@code io.shardwise.unitofwork}), which
 * Shardwise's advice enters through {@code FanOutExecutor}; most code never touches
 * this class.
 */
public final class ShardContext {

	private static final ThreadLocal<Shard> CURRENT = new ThreadLocal<>();

	private static final ThreadLocal<Shard> PINNED = new ThreadLocal<>();

	private ShardContext() {
	}

	/**
	 * Return the id of the shard selected on this thread, or {@code null}.
	 * @return the shard id or {@code null}
	 */
	public static String currentShardId() {
		Shard shard = CURRENT.get();
		return (shard != null) ? shard.id() : null;
	}

	/**
	 * Return the shard selected on this thread, or {@code null}.
	 * @return the shard or {@code null}
	 */
	public static Shard currentShard() {
		return CURRENT.get();
	}

	/**
	 * Return the shard the application pinned on this thread (see
	 * {@link #callPinned}), or {@code null}.
	 * @return the pinned shard or {@code null}
	 */
	public static Shard pinnedShard() {
		return PINNED.get();
	}

	/**
	 * Return the shard that a statement issued now would run on: the selected shard, or
	 * else the shard the current transaction is bound to, or {@code null}.
	 * @return the effective shard or {@code null}
	 */
	public static Shard effectiveShard() {
		Shard shard = CURRENT.get();
		return (shard != null) ? shard : transactionShard();
	}

	/**
	 * Return the shard the active transaction's own resources belong to (the first shard
	 * it touched), or {@code null} when there is no transaction or it has touched no
	 * shard yet.
	 * @return the transaction's shard or {@code null}
	 */
	public static Shard transactionShard() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return null;
		}
		ShardedTransaction transaction = (ShardedTransaction) TransactionSynchronizationManager
			.getResource(ShardedTransaction.class);
		return (transaction != null) ? transaction.homeShard() : null;
	}

	/**
	 * Return the shard a statement of a persistence session issued now runs on: inside a
	 * transaction that spans shards, the shard the session was opened for; otherwise the
	 * effective shard.
	 * @param session a Hibernate session
	 * @return the shard or {@code null}
	 */
	public static Shard shardOfSession(Object session) {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			ShardedTransaction transaction = (ShardedTransaction) TransactionSynchronizationManager
				.getResource(ShardedTransaction.class);
			if (transaction != null) {
				return transaction.shardOfSession(session);
			}
		}
		return effectiveShard();
	}

	/**
	 * Run an action with the given shard selected. This only selects: it does not check
	 * the action against the current transaction (Shardwise's advice does that first).
	 * @param <T> the result type
	 * @param shard the shard to select
	 * @param action the action
	 * @return the action's result
	 * @throws Throwable whatever the action throws
	 */
	public static <T> T callOn(Shard shard, Action<T> action) throws Throwable {
		Shard previous = CURRENT.get();
		CURRENT.set(shard);
		try {
			return action.run();
		}
		finally {
			// set(previous) rather than remove(): the thread keeps its entry, so the next call
			// on this thread allocates nothing.
			CURRENT.set(previous);
		}
	}

	/**
	 * Run an action with the given shard selected and pinned: inside it, lookups by id
	 * search this shard only and keyed calls must map to it.
	 * @param <T> the result type
	 * @param shard the shard to pin
	 * @param action the action
	 * @return the action's result
	 * @throws Throwable whatever the action throws
	 */
	public static <T> T callPinned(Shard shard, Action<T> action) throws Throwable {
		Shard previous = PINNED.get();
		PINNED.set(shard);
		try {
			return callOn(shard, action);
		}
		finally {
			PINNED.set(previous);
		}
	}

	/**
	 * Select a shard on this thread until {@link #restore(Shard)}, for code that selects
	 * and restores in separate callbacks and so cannot use {@link #callOn}: context
	 * propagation to other threads ({@code io.shardwise.context}). Like {@link #callOn}
	 * it only selects.
	 * @param shard the shard to select, or {@code null} to select none
	 * @return the previous selection, to hand to {@link #restore(Shard)}
	 */
	public static Shard select(Shard shard) {
		Shard previous = CURRENT.get();
		CURRENT.set(shard);
		return previous;
	}

	/**
	 * Put back the selection that {@link #select(Shard)} returned.
	 * @param previous the previous selection, or {@code null}
	 */
	public static void restore(Shard previous) {
		CURRENT.set(previous);
	}

	/**
	 * An action to run on a shard.
	 *
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface Action<T> {

		T run() throws Throwable;

	}

}
