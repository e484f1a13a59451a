package io.shardwise.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adjusts Spring Boot defaults that assume a single database:
 * <ul>
 * <li>Spring Boot's Flyway is switched off ({@code spring.flyway.enabled=false}):
 * Shardwise migrates every shard itself.
 * <li>Open-Session-in-View is off by default ({@code spring.jpa.open-in-view=false}): an
 * EntityManager held open for a whole web request would pin the request to the first
 * shard it touched. Turning it on explicitly fails startup.
 * <li>Hibernate's schema generation is off by default
 * ({@code spring.jpa.hibernate.ddl-auto=none}): the schema is Flyway's job, per shard.
 * </ul>
 */
public class ShardwiseEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	private static final String OPEN_IN_VIEW = "spring.jpa.open-in-view";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("shardwise.enabled", Boolean.class, true)) {
			return;
		}
		environment.getPropertySources()
			.addFirst(new MapPropertySource("shardwiseOverrides", Map.of("spring.flyway.enabled", "false")));
		environment.getPropertySources()
			.addLast(new MapPropertySource("shardwiseDefaults", Map.of(OPEN_IN_VIEW, "false", "spring.jpa.hibernate.ddl-auto", "none")));
		if (environment.getProperty(OPEN_IN_VIEW, Boolean.class, false)) {
			throw new InvalidConfigurationPropertyValueException(OPEN_IN_VIEW, true,
					"Shardwise routes each repository call to its own shard; an EntityManager held open for a whole "
							+ "web request would pin the request to the first shard it touched. Remove the property");
		}
	}

	@Override
	public int getOrder() {
		// After the config data (application.yml, profiles) has been loaded.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
