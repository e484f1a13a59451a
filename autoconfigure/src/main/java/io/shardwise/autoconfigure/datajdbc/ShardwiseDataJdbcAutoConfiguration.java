package io.shardwise.autoconfigure.datajdbc;

import io.shardwise.datajdbc.ShardwiseIdCallback;
import io.shardwise.routing.Shards;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.mapping.JdbcMappingContext;
import org.springframework.data.jdbc.repository.config.AbstractJdbcConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Spring Data JDBC on shards. Its repositories are routed like all Spring Data
 * repositories (see {@code ShardwiseAutoConfiguration}); this adds what Spring Data JDBC
 * needs besides: the SQL dialect, read from the first shard (Spring Boot would ask the
 * routing DataSource, which has no shard selected at startup), and Shardwise ids for
 * aggregate roots whose id is annotated {@code @ShardwiseId}.
 */
@AutoConfiguration(afterName = "io.shardwise.autoconfigure.ShardwiseAutoConfiguration",
		beforeName = "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
@ConditionalOnClass({ AbstractJdbcConfiguration.class, JdbcDialect.class })
@ConditionalOnBean(Shards.class)
public class ShardwiseDataJdbcAutoConfiguration {

	/**
	 * The dialect of the shards' database, detected on the first shard; all shards are
	 * the same kind of database. A dialect named by {@code spring.data.jdbc.dialect} is
	 * left to Spring Boot.
	 * @param shards the shards
	 * @return the dialect
	 */
	@Bean
	@ConditionalOnMissingBean
	@Conditional(NoConfiguredDialect.class)
	public JdbcDialect jdbcDialect(Shards shards) {
		return DialectResolver.getDialect(new JdbcTemplate(shards.all().get(0).dataSource()));
	}

	@Bean
	@ConditionalOnMissingBean
	public ShardwiseIdCallback shardwiseIdCallback(JdbcMappingContext mappingContext) {
		return new ShardwiseIdCallback(mappingContext);
	}

	/**
	 * Matches unless {@code spring.data.jdbc.dialect} names a dialect.
	 */
	static class NoConfiguredDialect extends SpringBootCondition {

		private static final String PROPERTY = "spring.data.jdbc.dialect";

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return context.getEnvironment().containsProperty(PROPERTY)
					? ConditionOutcome.noMatch(PROPERTY + " is set")
					: ConditionOutcome.match(PROPERTY + " is not set");
		}

	}

}
