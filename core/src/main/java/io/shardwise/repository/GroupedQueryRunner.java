package io.shardwise.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRoutingException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.TypedQuery;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the rewritten query of a {@link GroupedQuery} on each shard and merges the rows.
 * Each shard call runs, on the shard's worker, inside a read-only transaction of the
 * application's JPA transaction manager (as the repository's own query would), and the
 * query goes through a shared {@link EntityManager}: the EntityManager of that
 * transaction, whose connection the routing DataSource takes from the shard. Loaded only
 * when a grouped JPQL query fans out, so that core needs JPA only then.
 */
final class GroupedQueryRunner {

	private final EntityManager entityManager;

	private final TransactionTemplate readOnly;

	/**
	 * Create the runner.
	 * @param transactionManager the application's transaction manager, whose
	 * EntityManagerFactory the queries use
	 * @throws ShardRoutingException if it is not a JPA transaction manager
	 */
	GroupedQueryRunner(PlatformTransactionManager transactionManager) {
		Object factory = (transactionManager instanceof ResourceTransactionManager resource)
				? resource.getResourceFactory() : null;
		if (!(factory instanceof EntityManagerFactory entityManagerFactory)) {
			throw new ShardRoutingException("Merging a grouped @Query across shards needs a JPA transaction manager "
					+ "(JpaTransactionManager), but the application's is a "
					+ ((transactionManager != null) ? transactionManager.getClass().getName() : "null"));
		}
		this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
		this.readOnly = new TransactionTemplate(transactionManager);
		this.readOnly.setReadOnly(true);
	}

	/**
	 * Run a grouped query on shards and merge their rows.
	 * @param plan the method, whose {@link RepositoryMethod#grouped()} is set
	 * @param kind the kind of the shard calls
	 * @param shardArgs the arguments of each shard
	 * @param executor runs the shard calls
	 * @param nulls where the shard databases place NULLs
	 * @return the merged result
	 */
	Object fanOut(RepositoryMethod plan, ShardCallKind kind, Map<Shard, Object[]> shardArgs,
			FanOutExecutor executor, EntityOrder.NullOrdering nulls) {
		GroupedQuery query = plan.grouped();
		Map<Shard, List<Object[]>> results = executor.execute(kind, plan.describe(), List.copyOf(shardArgs.keySet()),
				(shard) -> this.readOnly.execute((status) -> run(query, shardArgs.get(shard))));
		return query.merge(plan.describe(), new ArrayList<>(results.values()), nulls);
	}

	private List<Object[]> run(GroupedQuery query, Object[] args) {
		TypedQuery<Object[]> shardQuery = this.entityManager.createQuery(query.shardQuery(), Object[].class);
		for (GroupedQuery.Binding binding : query.bindings()) {
			Object value = args[binding.argument()];
			if (binding.name() != null) {
				shardQuery.setParameter(binding.name(), value);
			}
			else {
				shardQuery.setParameter(binding.position(), value);
			}
		}
		return shardQuery.getResultList();
	}

}
