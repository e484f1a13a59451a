package io.shardwise.routing;

/**
 * The shard that calls on the current thread are routed to.
 *
 * <p>{@link #callOn(Shard, Action)} selects a shard for the duration of an action and
 * restores the previous selection afterwards, also when the action throws. It enforces
 * the one rule that keeps a transaction on one database: a transaction belongs to the
 * shard that was selected when it began or, if none was, to the first shard a call inside
 * it is routed to; a call routed to any other shard fails with a
 * {@link ShardRoutingException} before it runs, and the transaction is marked
 * rollback-only.
 *
 * <p>Most code never touches this class: {@link io.shardwise.annotation.ShardKey}
 * advice and {@code ShardTemplate} call it.
 */
public final class ShardContext {

	private static final ThreadLocal<Shard> CURRENT = new ThreadLocal<>();

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
	 * Return the shard that a statement issued now would run on: the selected shard, or
	 * else the shard the current transaction is bound to, or {@code null}.
	 * @return the effective shard or {@code null}
	 */
	public static Shard effectiveShard() {
		Shard shard = CURRENT.get();
		return (shard != null) ? shard : ShardTransactions.boundShard();
	}

	/**
	 * Return the shard the active transaction belongs to, or {@code null} when there is
	 * no transaction or it has not been tied to a shard yet.
	 * @return the transaction's shard or {@code null}
	 */
	public static Shard transactionShard() {
		return ShardTransactions.transactionShard(CURRENT.get());
	}

	/**
	 * Run an action with the given shard selected.
	 * @param <T> the result type
	 * @param shard the shard to select
	 * @param action the action
	 * @return the action's result
	 * @throws ShardRoutingException if the active transaction belongs to another shard
	 * @throws Throwable whatever the action throws
	 */
	public static <T> T callOn(Shard shard, Action<T> action) throws Throwable {
		Shard previous = CURRENT.get();
		ShardTransactions.enter(shard, previous);
		CURRENT.set(shard);
		try {
			return action.run();
		}
		finally {
			// set(null) rather than remove(): the thread keeps its entry, so the next call
			// on this thread allocates nothing.
			CURRENT.set(previous);
		}
	}

	/**
	 * Select a shard on this thread until {@link #restore(Shard)}, for code that selects
	 * and restores in separate callbacks and so cannot use {@link #callOn}: context
	 * propagation to other threads ({@code io.shardwise.context}). The transaction rule
	 * of {@link #callOn} applies.
	 * @param shard the shard to select, or {@code null} to select none
	 * @return the previous selection, to hand to {@link #restore(Shard)}
	 * @throws ShardRoutingException if the active transaction belongs to another shard
	 */
	public static Shard select(Shard shard) {
		Shard previous = CURRENT.get();
		if (shard != null) {
			ShardTransactions.enter(shard, previous);
		}
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
