package io.shardwise.autoconfigure.datajdbc;

import java.util.UUID;

import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationAutoConfiguration;
import io.shardwise.datajdbc.ShardwiseIdCallback;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.dialect.JdbcH2Dialect;
import org.springframework.data.jdbc.core.dialect.JdbcPostgresDialect;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Data JDBC starts on shards: its dialect comes from the first shard, not from
 * the routing DataSource (which has no shard at startup), and the id callback is there.
 */
class ShardwiseDataJdbcAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class,
				ShardwiseAutoConfiguration.class, ShardwiseDataJdbcAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				DataJdbcRepositoriesAutoConfiguration.class))
		.withUserConfiguration(RepositoryPackage.class)
		.withPropertyValues("shardwise.shards.a.url=" + h2Url("a"), "shardwise.shards.b.url=" + h2Url("b"),
				"shardwise.strategies.letters.type=hash");

	@Test
	void dialectComesFromTheFirstShardAndIdsFromTheCallback() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ShardwiseIdCallback.class);
			assertThat(context.getBean(JdbcDialect.class)).isInstanceOf(JdbcH2Dialect.class);
		});
	}

	@Test
	void configuredDialectIsLeftToSpringBoot() {
		this.runner.withPropertyValues("spring.data.jdbc.dialect=postgresql")
			.run((context) -> assertThat(context.getBean(JdbcDialect.class)).isInstanceOf(JdbcPostgresDialect.class));
	}

	@Test
	void nothingWithoutShardwise() {
		this.runner.withPropertyValues("shardwise.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardwiseIdCallback.class));
	}

	/** Spring Data JDBC scans the auto-configuration packages for repositories: none here. */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	static class RepositoryPackage {

	}

	private static String h2Url(String name) {
		return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

}
