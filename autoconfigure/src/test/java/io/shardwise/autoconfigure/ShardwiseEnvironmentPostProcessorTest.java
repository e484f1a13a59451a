package io.shardwise.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.util.StringUtils;

import static io.shardwise.autoconfigure.ShardwiseTestSupport.causeChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Boot defaults that Shardwise adjusts before the context starts.
 */
class ShardwiseEnvironmentPostProcessorTest {

	private final ShardwiseEnvironmentPostProcessor postProcessor = new ShardwiseEnvironmentPostProcessor();

	private StandardEnvironment environment(Map<String, Object> userProperties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("user", userProperties));
		return environment;
	}

	@Test
	void switchesOffSpringBootFlywayEvenWhenTheUserEnabledIt() {
		StandardEnvironment environment = environment(Map.of("spring.flyway.enabled", "true"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.flyway.enabled", Boolean.class)).isFalse();
	}

	@Test
	void defaultsOpenInViewAndDdlAutoOff() {
		StandardEnvironment environment = environment(Map.of());
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.flyway.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.jpa.open-in-view")).isEqualTo("false");
		assertThat(environment.getProperty("spring.jpa.hibernate.ddl-auto")).isEqualTo("none");
	}

	@Test
	void userMayOverrideDdlAuto() {
		StandardEnvironment environment = environment(Map.of("spring.jpa.hibernate.ddl-auto", "validate"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.jpa.hibernate.ddl-auto")).isEqualTo("validate");
	}

	@Test
	void userMayExplicitlyKeepOpenInViewOff() {
		StandardEnvironment environment = environment(Map.of("spring.jpa.open-in-view", "false"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.jpa.open-in-view")).isEqualTo("false");
	}

	@Test
	void openInViewTurnedOnFailsNamingTheProperty() {
		StandardEnvironment environment = environment(Map.of("spring.jpa.open-in-view", "true"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> this.postProcessor.postProcessEnvironment(environment, new SpringApplication()))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("spring.jpa.open-in-view"));
	}

	@Test
	void doesNothingWhenShardwiseIsDisabled() {
		StandardEnvironment environment = environment(
				Map.of("shardwise.enabled", "false", "spring.flyway.enabled", "true", "spring.jpa.open-in-view", "true"));
		int sources = environment.getPropertySources().size();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().size()).isEqualTo(sources);
		assertThat(environment.getProperty("spring.flyway.enabled")).isEqualTo("true");
		assertThat(environment.getProperty("spring.jpa.open-in-view")).isEqualTo("true");
		assertThat(environment.getProperty("spring.jpa.hibernate.ddl-auto")).isNull();
	}

	@Test
	void runsAfterConfigData() {
		assertThat(this.postProcessor.getOrder()).isEqualTo(org.springframework.core.Ordered.LOWEST_PRECEDENCE);
	}

	@Test
	void isRegisteredAsEnvironmentPostProcessor() throws IOException {
		boolean registered = false;
		for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
			Properties factories = PropertiesLoaderUtils.loadProperties(new UrlResource(url));
			String names = factories.getProperty(EnvironmentPostProcessor.class.getName(), "");
			if (StringUtils.commaDelimitedListToSet(names.replace(" ", ""))
				.contains(ShardwiseEnvironmentPostProcessor.class.getName())) {
				registered = true;
			}
		}
		assertThat(registered).isTrue();
	}

	@Test
	void autoConfigurationsAreRegistered() {
		List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
			.getCandidates();
		assertThat(candidates).contains(ShardwiseMigrationAutoConfiguration.class.getName(),
				ShardwiseAutoConfiguration.class.getName(), ShardwiseHibernateAutoConfiguration.class.getName());
	}

	@Test
	void springApplicationAppliesItOnStartup() {
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.flyway.enabled", "true"));
		try (ConfigurableApplicationContext context = application.run()) {
			assertThat(context.getEnvironment().getProperty("spring.flyway.enabled")).isEqualTo("false");
			assertThat(context.getEnvironment().getProperty("spring.jpa.hibernate.ddl-auto")).isEqualTo("none");
		}
	}

	@Test
	void springApplicationFailsWhenOpenInViewIsOn() {
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.jpa.open-in-view", "true"));
		assertThat(catchFailure(application)).anySatisfy((ex) -> assertThat(ex)
			.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
					(invalid) -> assertThat(invalid.getName()).isEqualTo("spring.jpa.open-in-view")));
	}

	private static List<Throwable> catchFailure(SpringApplication application) {
		try (ConfigurableApplicationContext context = application.run()) {
			throw new AssertionError("Expected startup to fail");
		}
		catch (RuntimeException ex) {
			return causeChain(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
