package io.shardwise.routing;

/**
 * A Spring-managed transaction as Shardwise sees it, bound as a transaction resource
 * under the key {@code ShardedTransaction.class} by the unit of work that manages it. The
 * routing DataSource asks it which shard a statement issued outside any routed call (a
 * flush at commit, a lazy load in a service method) belongs to.
 */
public interface ShardedTransaction {

	/**
	 * Return the shard the transaction's own resources (the connection and the
	 * EntityManager the transaction manager opened) belong to: the shard selected when the
	 * transaction began or, if none was, the first shard a call inside it was routed to.
	 * @return the home shard
	 */
	Shard homeShard();

	/**
	 * Return the shard whose persistence context (EntityManager) in this transaction holds
	 * an entity or an entity proxy, or {@code null} if none does.
	 * @param entity an entity or a proxy of one
	 * @return the shard or {@code null}
	 */
	Shard shardOf(Object entity);

	/**
	 * Return the shard a persistence session (a Hibernate session) of this transaction
	 * reads and writes: the shard it was opened for, or the home shard.
	 * @param session a session
	 * @return its shard
	 */
	Shard shardOfSession(Object session);

}
