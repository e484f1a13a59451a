package io.shardwise.repository;

import java.util.function.Supplier;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.routing.ShardRouter;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.function.SingletonSupplier;

/**
 * Puts a {@link ShardRepositoryInterceptor} in front of every Spring Data repository,
 * ahead of the repository's own transaction advice.
 */
public class ShardRepositoryBeanPostProcessor implements BeanPostProcessor {

	private final Supplier<ShardRouter> router;

	private final Supplier<FanOutExecutor> fanOut;

	private final boolean fanOutAllowed;

	private final Supplier<EntityOrder.NullOrdering> nullOrdering;

	private final Supplier<PlatformTransactionManager> transactionManager;

	/**
	 * Create the post-processor. The collaborators are looked up when the first
	 * repository is created, so that this post-processor does not initialize them early.
	 * @param router supplies the router
	 * @param fanOut supplies the executor of shard calls
	 * @param fanOutAllowed whether calls without a key may run on every shard without
	 * {@link io.shardwise.annotation.AllowFanOut}
	 * @param transactionManager supplies the transactions that shard streams are read in
	 */
	public ShardRepositoryBeanPostProcessor(Supplier<ShardRouter> router, Supplier<FanOutExecutor> fanOut,
			boolean fanOutAllowed, Supplier<PlatformTransactionManager> transactionManager) {
		this.router = router;
		this.fanOut = fanOut;
		this.fanOutAllowed = fanOutAllowed;
		this.transactionManager = transactionManager;
		this.nullOrdering = SingletonSupplier
			.of(() -> EntityOrder.NullOrdering.of(router.get().shards().all().get(0).dataSource()));
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof RepositoryFactoryBeanSupport<?, ?, ?> factoryBean) {
			factoryBean.addRepositoryFactoryCustomizer((factory) -> factory.addRepositoryProxyPostProcessor(
					(proxyFactory, information) -> proxyFactory.addAdvice(0, new ShardRepositoryInterceptor(information,
							this.router.get(), this.fanOut.get(), this.fanOutAllowed, this.nullOrdering,
							this.transactionManager))));
		}
		return bean;
	}

}
