package io.shardwise.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.shardwise.autoconfigure.ShardwiseProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Runs the demo on PostgreSQL with password authentication, verbose logging and every
 * actuator endpoint exposed with values shown, takes a shard down and starts the
 * application once more with a wrong password: neither password appears in the logs,
 * the HTTP answers, the exceptions or {@code toString()} of the configuration.
 */
@ExtendWith({ OutputCaptureExtension.class, EmbeddedPostgresShards.StopAfterAllTests.class })
class PostgresSecretsTest {

	private static final String WRONG_PASSWORD = "Wrong-Secret-93be1d";

	private static final String DATABASE = "weather_secrets";

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<String> answers = new ArrayList<>();

	@Test
	void passwordsAppearNowhere(CapturedOutput output) throws Exception {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		// As an operator would pass them: asia's password bound from an environment
		// variable, the profile's WEATHER_DB_PASSWORD, and europe's URL from EUROPE_DB_URL
		// (through the profile's placeholder) with the password as a URL parameter.
		Map<String, Object> variables = Map.of("SHARDWISE_SHARDS_ASIA_PASSWORD", EmbeddedPostgresShards.APP_PASSWORD,
				"WEATHER_DB_PASSWORD", EmbeddedPostgresShards.APP_PASSWORD, "EUROPE_DB_URL",
				servers.url("europe", DATABASE) + "?password=" + EmbeddedPostgresShards.APP_PASSWORD);
		try (ConfigurableApplicationContext app = start(
				Map.of("shardwise.shards[europe].url", "${EUROPE_DB_URL}"),
				variables)) {
			int port = ((WebServerApplicationContext) app).getWebServer().getPort();
			assertThat(get(port, "/locations?continent=Asia").statusCode()).isEqualTo(200);
			assertThat(get(port, "/locations?continent=Europe").statusCode()).isEqualTo(200);
			assertThat(get(port, "/locations?continent=Atlantis").statusCode()).isEqualTo(400);
			for (String endpoint : List.of("/actuator/env", "/actuator/configprops", "/actuator/health",
					"/actuator/shards", "/actuator/env/shardwise.shards%5Beurope%5D.password",
					"/actuator/env/shardwise.shards%5Beurope%5D.url", "/actuator/env/shardwise.shards%5Basia%5D.password",
					"/actuator/env/SHARDWISE_SHARDS_ASIA_PASSWORD", "/actuator/env/WEATHER_DB_PASSWORD",
					"/actuator/env/EUROPE_DB_URL")) {
				assertThat(get(port, endpoint).statusCode()).as(endpoint).isEqualTo(200);
			}
			assertThat(this.answers).anyMatch((answer) -> answer.contains("shardwise.shards"))
				.anyMatch((answer) -> answer.contains("SHARDWISE_SHARDS_ASIA_PASSWORD"))
				.anyMatch((answer) -> answer.contains("EUROPE_DB_URL") && answer.contains("password=******"));
			servers.stop("south_america");
			try {
				assertThat(get(port, "/locations").statusCode()).isEqualTo(500);
				HttpResponse<String> health = get(port, "/actuator/health");
				assertThat(health.statusCode()).isEqualTo(503);
				assertThat(health.body()).contains("south_america").contains("DOWN");
			}
			finally {
				servers.start("south_america");
			}
			this.answers.add(app.getBean(ShardwiseProperties.class).getShards().toString());
		}
		assertThatException()
			.isThrownBy(() -> start(Map.of("shardwise.shards[europe].password", WRONG_PASSWORD), Map.of()).close())
			.satisfies((ex) -> this.answers.add(stackTrace(ex)));

		assertThat(output.getAll()).contains("password authentication failed", "Shutdown completed")
			.doesNotContain(EmbeddedPostgresShards.APP_PASSWORD)
			.doesNotContain(WRONG_PASSWORD);
		assertThat(this.answers).noneMatch((answer) -> answer.contains(EmbeddedPostgresShards.APP_PASSWORD))
			.noneMatch((answer) -> answer.contains(WRONG_PASSWORD));
		System.out.printf("Reliability (PostgreSQL, secrets): %d characters of logs and %d answers checked, "
				+ "password occurrences = 0%n", output.getAll().length(), this.answers.size());
	}

	private static ConfigurableApplicationContext start(Map<String, Object> overrides, Map<String, Object> variables) {
		List<String> args = new ArrayList<>(List.of("--" + EmbeddedPostgresInitializer.DATABASE_PROPERTY + "=" + DATABASE,
				"--server.port=0", "--debug", "--logging.level.io.shardwise=DEBUG",
				"--logging.level.com.zaxxer.hikari=DEBUG", "--logging.level.org.flywaydb=DEBUG",
				"--management.endpoints.web.exposure.include=*", "--management.endpoint.env.show-values=always",
				"--management.endpoint.configprops.show-values=always", "--management.endpoint.health.show-details=always",
				"--shardwise.shards[south_america].pool.connection-timeout=1s"));
		return new SpringApplicationBuilder(DemoApplication.class).profiles("postgres")
			.initializers(new EmbeddedPostgresInitializer(), (context) -> {
				MutablePropertySources sources = context.getEnvironment().getPropertySources();
				sources.addFirst(new MapPropertySource("overrides", overrides));
				// Bound with the relaxed rules of environment variables, as the real ones.
				sources.addAfter("overrides", new SystemEnvironmentPropertySource(
						"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
			})
			.run(args.toArray(String[]::new));
	}

	private HttpResponse<String> get(int port, String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		this.answers.add(response.body());
		return response;
	}

	private static String stackTrace(Throwable ex) {
		java.io.StringWriter text = new java.io.StringWriter();
		ex.printStackTrace(new java.io.PrintWriter(text));
		return text.toString();
	}

}
