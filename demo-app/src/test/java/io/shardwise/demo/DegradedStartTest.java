package io.shardwise.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardwise.autoconfigure.ShardStartupException;
import io.shardwise.fanout.ShardFanOutException;
import io.shardwise.routing.ShardUnavailableException;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Startup against real PostgreSQL servers with one shard's server stopped, or with a
 * wrong password: a degraded start runs from boot, through calls that fail fast while
 * the shard is away, to the shard's return, its migration and its rejoining; without
 * the degraded start, and for a refused password in any case, startup fails at once
 * naming the shard.
 */
@ExtendWith(EmbeddedPostgresShards.StopAfterAllTests.class)
class DegradedStartTest {

	private static final String DATABASE = "weather_degraded";

	private static final String DOWN = "europe";

	@Test
	void degradedStartServesTheOtherShardsAndTheMissingOneRejoinsMigrated() throws Exception {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		Map<String, Object> properties = shardProperties(DATABASE);
		servers.stop(DOWN);
		try (ConfigurableApplicationContext app = start(properties, "shardwise.startup.on-shard-unavailable=degraded",
				"shardwise.startup.rejoin-interval=200ms")) {
			Shards shards = app.getBean(Shards.class);
			HealthEndpoint health = app.getBean(HealthEndpoint.class);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			WeatherLocationRepository locations = app.getBean(WeatherLocationRepository.class);
			assertThat(shards.availability().outOfService()).containsOnlyKeys(DOWN);
			assertThat(health.healthForPath("shards", DOWN).getStatus()).isEqualTo(Status.DOWN);
			assertThat(inService(meters, DOWN)).isZero();
			assertThat(inService(meters, "asia")).isOne();

			// Calls to the missing shard fail at once; the others are served.
			assertThatExceptionOfType(ShardUnavailableException.class)
				.isThrownBy(() -> locations.countByContinent("Europe"))
				.withMessageContaining("'europe'")
				.withMessageContaining("unreachable at startup")
				.satisfies((ex) -> assertThat(ex.getShard()).isEqualTo(DOWN));
			assertThat(locations.save(new WeatherLocation("Asia", "Osaka")).getId()).isPositive();
			assertThat(locations.countByContinent("Asia")).isOne();
			// Fan-outs follow on-shard-failure (fail, the default).
			assertThatExceptionOfType(ShardFanOutException.class).isThrownBy(locations::count)
				.satisfies((ex) -> assertThat(ex.getFailures()).containsOnlyKeys(DOWN))
				.satisfies((ex) -> assertThat(ex.getFailures().get(DOWN)).isInstanceOf(ShardUnavailableException.class));

			servers.start(DOWN);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!shards.availability().isInService(DOWN)) {
				assertThat(System.nanoTime()).as("europe never rejoined").isLessThan(deadline);
				Thread.sleep(50);
			}
			// Migrated before it was readmitted.
			assertThat(migrationsApplied(DOWN)).isPositive();
			assertThat(locations.countByContinent("Europe")).isZero();
			assertThat(locations.save(new WeatherLocation("Europe", "Porto")).getId()).isPositive();
			assertThat(locations.count()).isEqualTo(2);
			assertThat(health.healthForPath("shards", DOWN).getStatus()).isEqualTo(Status.UP);
			assertThat(inService(meters, DOWN)).isOne();
		}
		finally {
			servers.start(DOWN);
		}
	}

	@Test
	void withoutDegradedStartAnUnreachableShardFailsStartupAtOnceNamingIt() {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		Map<String, Object> properties = shardProperties("weather_unreachable_start");
		servers.stop(DOWN);
		try {
			long start = System.nanoTime();
			Throwable failure = catchThrowable(() -> start(properties).close());
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(ShardwiseCauses.of(failure)).anySatisfy((ex) -> assertThat(ex)
				.isInstanceOfSatisfying(ShardUnavailableException.class,
						(unavailable) -> assertThat(unavailable.getShard()).isEqualTo(DOWN))
				.hasMessageContaining("shardwise.startup.on-shard-unavailable=degraded"));
			System.out.printf("Startup with shard '%s' down (PostgreSQL, connection timeout 30 s): failed after %d ms%n",
					DOWN, millis);
		}
		finally {
			servers.start(DOWN);
		}
	}

	@Test
	void aRefusedPasswordFailsStartupAtOnceNamingTheShard() {
		Map<String, Object> properties = shardProperties("weather_wrong_password");
		properties.put("shardwise.shards[asia].password", "Not-The-Password-1");
		long start = System.nanoTime();
		Throwable failure = catchThrowable(() -> start(properties, "shardwise.startup.on-shard-unavailable=degraded")
			.close());
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(ShardwiseCauses.of(failure)).anySatisfy((ex) -> assertThat(ex)
			.isInstanceOfSatisfying(ShardStartupException.class, (refused) -> {
				assertThat(refused.getShard()).isEqualTo("asia");
				assertThat(refused.getProperty()).isEqualTo("shardwise.shards.asia.password");
			})
			.hasMessageContaining("Shard 'asia' refused the credentials (SQL state 28P01)"));
		assertThat(ShardwiseCauses.messages(failure)).doesNotContain("Not-The-Password-1")
			.doesNotContain(EmbeddedPostgresShards.APP_PASSWORD);
		System.out.printf("Startup with a wrong password for shard 'asia' (PostgreSQL, connection timeout 30 s): "
				+ "failed after %d ms%n", millis);
	}

	private static Map<String, Object> shardProperties(String database) {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String shard : ShardDatabases.SHARDS) {
			// Creates the database on every server, while all are up.
			String prefix = "shardwise.shards[" + shard + "].";
			properties.put(prefix + "url", servers.url(shard, database));
			properties.put(prefix + "username", EmbeddedPostgresShards.APP_USER);
			properties.put(prefix + "password", EmbeddedPostgresShards.APP_PASSWORD);
		}
		return properties;
	}

	private static ConfigurableApplicationContext start(Map<String, Object> shards, String... properties) {
		return new SpringApplicationBuilder(DemoApplication.class).profiles("postgres")
			.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("degradedStartShards", shards)))
			.run(arguments(properties));
	}

	private static String[] arguments(String... properties) {
		java.util.List<String> arguments = new java.util.ArrayList<>(
				java.util.List.of("--server.port=0", "--spring.jmx.enabled=false"));
		for (String property : properties) {
			arguments.add("--" + property);
		}
		return arguments.toArray(String[]::new);
	}

	private static double inService(MeterRegistry meters, String shard) {
		return meters.get("shardwise.shard.in-service").tag("shard", shard).gauge().value();
	}

	private static int migrationsApplied(String shard) throws SQLException {
		try (Connection connection = EmbeddedPostgresShards.get().connectAsSuperuser(shard, DATABASE);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select count(*) from flyway_schema_history where success")) {
			rows.next();
			return rows.getInt(1);
		}
	}

	/** The cause chain of a startup failure. */
	private static final class ShardwiseCauses {

		static java.util.List<Throwable> of(Throwable failure) {
			java.util.List<Throwable> chain = new java.util.ArrayList<>();
			for (Throwable ex = failure; ex != null && !chain.contains(ex); ex = ex.getCause()) {
				chain.add(ex);
			}
			return chain;
		}

		static String messages(Throwable failure) {
			StringBuilder messages = new StringBuilder();
			of(failure).forEach((ex) -> messages.append(ex).append('\n'));
			return messages.toString();
		}

	}

}
