package io.shardwise.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import io.shardwise.ShardTemplate;
import io.shardwise.aop.ShardKeyAdvisor;
import io.shardwise.aop.ShardKeyMethodInterceptor;
import io.shardwise.audit.ShardConsistencyChecker;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.id.NodeLease;
import io.shardwise.identity.DatabaseIdentity;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import io.shardwise.migration.ShardMigrator;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.repository.ShardRepositoryBeanPostProcessor;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardwiseDataSource;
import io.shardwise.routing.Shards;
import io.shardwise.strategy.ShardStrategy;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Auto-configuration of Shardwise: one pool per shard, the strategies, the routing
 * {@link DataSource} that replaces Spring Boot's, {@code @ShardKey} advice on beans and
 * repositories, and {@link ShardTemplate}.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBooleanProperty(name = "shardwise.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ ShardwiseProperties.class, ShardwiseIdProperties.class,
		ShardwiseFanOutProperties.class, ShardwiseStartupProperties.class, ShardwisePlacementProperties.class })
@Import(ShardwiseAutoConfiguration.AutoProxyRegistrar.class)
public class ShardwiseAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public Shards shardwiseShards(ShardwiseProperties properties, ShardwiseIdProperties idProperties) {
		return ShardPools.create(properties, idProperties);
	}

	@Bean
	@ConditionalOnMissingBean
	public ShardRouter shardRouter(ShardwiseProperties properties, ShardwiseIdProperties idProperties,
			ShardwisePlacementProperties placement, Shards shards, ListableBeanFactory beanFactory) {
		return ShardStrategies.router(properties, shards, beanFactory.getBeansOfType(ShardStrategy.class),
				idProperties.getValidFrom(), placement.getStrategy());
	}

	@Bean
	@ConditionalOnMissingBean
	public FanOutExecutor shardFanOutExecutor(ShardwiseFanOutProperties properties,
			ObjectProvider<ShardCallObserver> observer) {
		if (properties.getMaxParallelism() < 1) {
			throw new InvalidConfigurationPropertyValueException("shardwise.fan-out.max-parallelism",
					properties.getMaxParallelism(), "Must be positive");
		}
		Duration timeout = properties.getTimeout();
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new InvalidConfigurationPropertyValueException("shardwise.fan-out.timeout", timeout,
					"Must be positive; leave it unset for no deadline");
		}
		return new FanOutExecutor(properties.getMaxParallelism(), timeout, properties.getOnShardFailure(),
				observer.getIfAvailable(() -> ShardCallObserver.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	public ShardTemplate shardTemplate(ShardRouter router, FanOutExecutor fanOut) {
		return new ShardTemplate(router, fanOut);
	}

	@Bean
	@ConditionalOnMissingBean
	public ShardedJdbcTemplate shardedJdbcTemplate(DataSource dataSource, ShardRouter router, FanOutExecutor fanOut) {
		return new ShardedJdbcTemplate(dataSource, router, fanOut);
	}

	@Bean
	@ConditionalOnMissingBean
	public ShardConsistencyChecker shardConsistencyChecker(ShardRouter router) {
		return new ShardConsistencyChecker(router);
	}

	/**
	 * The application's DataSource: routes each connection to the selected shard, and
	 * fetches it lazily so that the shard can be chosen after a transaction began. It is
	 * published only after every shard has been probed ({@link ShardStartup}), every
	 * shard in service migrated, and no two shards found to reach the same database.
	 * @param shards the shards
	 * @param migrator migrates every shard, if migration is enabled
	 * @param startup what to do with a shard that cannot be reached
	 * @return the routing DataSource
	 */
	@Bean
	@Primary
	public DataSource dataSource(Shards shards, ObjectProvider<ShardMigrator> migrator,
			ShardwiseStartupProperties startup) {
		ShardStartup.start(shards, startup.getOnShardUnavailable(), migrator.getIfAvailable());
		// After the migration, which connects to every shard anyway: no second wait for a
		// shard that is down.
		DatabaseIdentity.requireDistinct(shards);
		// After the migrations: Flyway refuses to start on a schema that has a table
		// but no history yet, such as the lease table on a new database.
		NodeLease lease = shards.nodeLease();
		if (lease != null) {
			// The lease table lives on the shard with the lowest index, the first one.
			String leaseShard = shards.all().get(0).id();
			if (shards.availability().isInService(leaseShard)) {
				lease.start();
			}
			else {
				lease.startUnregistered("unreachable since startup");
			}
		}
		return new ShardwiseDataSource(shards);
	}

	/**
	 * After a degraded start, readmits the shards held out of service once they answer
	 * and are migrated.
	 * @param shards the shards
	 * @param migrator migrates a shard before it rejoins, if migration is enabled
	 * @param startup the rejoin interval
	 * @param dataSource the routing DataSource, whose creation holds the shards out
	 * @return the rejoiner
	 */
	@Bean
	@ConditionalOnProperty(name = "shardwise.startup.on-shard-unavailable", havingValue = "degraded")
	public ShardRejoiner shardRejoiner(Shards shards, ObjectProvider<ShardMigrator> migrator,
			ShardwiseStartupProperties startup, DataSource dataSource) {
		return new ShardRejoiner(shards, migrator.getIfAvailable(), startup.getRejoinInterval());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	public static ShardKeyAdvisor shardKeyAdvisor(ObjectProvider<ShardRouter> router,
			ObjectProvider<FanOutExecutor> executor) {
		return new ShardKeyAdvisor(new ShardKeyMethodInterceptor(router::getObject, executor::getObject));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RepositoryFactoryBeanSupport.class)
	static class RepositoryRoutingConfiguration {

		@Bean
		static ShardRepositoryBeanPostProcessor shardRepositoryBeanPostProcessor(ObjectProvider<ShardRouter> router,
				ObjectProvider<FanOutExecutor> fanOut, ObjectProvider<PlatformTransactionManager> transactionManager,
				Environment environment) {
			boolean allowed = environment.getProperty("shardwise.fan-out.allowed", Boolean.class, true);
			return new ShardRepositoryBeanPostProcessor(router::getObject, fanOut::getObject, allowed,
					transactionManager::getObject);
		}

	}

	/**
	 * Makes sure an auto-proxy creator applies {@link ShardKeyAdvisor}, even in an
	 * application without {@code @EnableTransactionManagement} or Spring Boot's AOP
	 * auto-configuration.
	 */
	static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		}

	}

}
