package io.shardwise.autoconfigure;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.Shards;
import io.shardwise.unitofwork.ShardSessionListeners;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.jpa.boot.spi.IntegratorProvider;
import org.hibernate.jpa.boot.spi.JpaSettings;
import org.hibernate.cfg.JdbcSettings;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.orm.jpa.AbstractEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

/**
 * Lets Hibernate start on the routing DataSource, and joins it to the unit of work.
 * Hibernate reads JDBC metadata at boot, when no shard is selected; instead it is told
 * the database product and version of the first shard (all shards run the same kind of
 * database). {@link ShardSessionListeners} tell the transaction's unit of work which
 * shard a flush writes to, and remember which shard entities were loaded from. The
 * EntityManagerFactory gets a {@link ShardwiseJpaDialect}, so that commit and statement
 * failures of an unreachable shard surface as a
 * {@link io.shardwise.routing.ShardUnavailableException}.
 */
@AutoConfiguration(after = ShardwiseAutoConfiguration.class,
		beforeName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass({ HibernatePropertiesCustomizer.class, JdbcSettings.class })
@ConditionalOnBean(Shards.class)
public class ShardwiseHibernateAutoConfiguration {

	@Bean
	public HibernatePropertiesCustomizer shardwiseHibernatePropertiesCustomizer(Shards shards, ShardRouter router) {
		return (properties) -> {
			properties.put(JdbcSettings.ALLOW_METADATA_ON_BOOT, "false");
			addIntegrator(properties, new ShardSessionListeners(router));
			if (properties.containsKey(JdbcSettings.DIALECT)) {
				return;
			}
			// The first shard in service: one held out after a degraded start cannot answer.
			String firstShard = shards.all()
				.stream()
				.map(Shard::id)
				.filter(shards.availability()::isInService)
				.findFirst()
				.orElse(shards.all().get(0).id());
			try (Connection connection = shards.get(firstShard).dataSource().getConnection()) {
				DatabaseMetaData metaData = connection.getMetaData();
				properties.put(JdbcSettings.JAKARTA_HBM2DDL_DB_NAME, metaData.getDatabaseProductName());
				properties.put(JdbcSettings.JAKARTA_HBM2DDL_DB_VERSION, metaData.getDatabaseProductVersion());
				properties.put(JdbcSettings.JAKARTA_HBM2DDL_DB_MAJOR_VERSION,
						String.valueOf(metaData.getDatabaseMajorVersion()));
				properties.put(JdbcSettings.JAKARTA_HBM2DDL_DB_MINOR_VERSION,
						String.valueOf(metaData.getDatabaseMinorVersion()));
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot read the database metadata of shard '" + firstShard
						+ "' to configure Hibernate; set spring.jpa.database-platform to start without it", ex);
			}
		};
	}

	/**
	 * Add one of Shardwise's Hibernate integrators (the unit of work's listeners, the
	 * placement's bucket fence), keeping every integrator registered the same way before.
	 */
	static void addIntegrator(Map<String, Object> properties, Integrator integrator) {
		Object existing = properties.get(JpaSettings.INTEGRATOR_PROVIDER);
		List<Integrator> integrators = new ArrayList<>();
		if (existing instanceof IntegratorProvider provider) {
			integrators.addAll(provider.getIntegrators());
		}
		else if (existing != null) {
			throw new IllegalStateException(JpaSettings.INTEGRATOR_PROVIDER + " must be an IntegratorProvider instance "
					+ "for Shardwise to add its listeners, but is " + existing);
		}
		integrators.add(integrator);
		List<Integrator> all = List.copyOf(integrators);
		properties.put(JpaSettings.INTEGRATOR_PROVIDER, (IntegratorProvider) () -> all);
	}

	/**
	 * Give an EntityManagerFactory on Hibernate the {@link ShardwiseJpaDialect}, before it
	 * initializes (it takes the vendor adapter's dialect only when it has none).
	 * @return the post-processor
	 */
	@Bean
	static BeanPostProcessor shardwiseJpaDialectPostProcessor() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof AbstractEntityManagerFactoryBean factory && factory.getJpaDialect() == null
						&& factory.getJpaVendorAdapter() instanceof HibernateJpaVendorAdapter) {
					factory.setJpaDialect(new ShardwiseJpaDialect());
				}
				return bean;
			}

		};
	}

}
