package io.shardwise.autoconfigure.actuate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationAutoConfiguration;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "shards" health contributor on real H2 shards, through Spring Boot's health
 * endpoint: one component per shard, DOWN when its database is gone, DEGRADED when
 * configured so, and never a password.
 */
class ShardsHealthContributorTest {

	private static final String PASSWORD = "s3cret-pw";

	private final String northUrl = "jdbc:h2:mem:north-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

	private final String southUrl = "jdbc:h2:mem:south-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class,
				ShardwiseAutoConfiguration.class, ShardwiseHealthContributorAutoConfiguration.class,
				EndpointAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoint.health.show-details=always",
				// IFEXISTS: once shut down, a shard's database is gone rather than recreated empty.
				"shardwise.shards.north.url=" + this.northUrl + ";IFEXISTS=TRUE", "shardwise.shards.north.username=sa",
				"shardwise.shards.north.password=" + PASSWORD, "shardwise.shards.north.pool.maximum-pool-size=2",
				"shardwise.shards.north.pool.connection-timeout=250ms",
				"shardwise.shards.south.url=" + this.southUrl + ";IFEXISTS=TRUE", "shardwise.shards.south.username=sa",
				"shardwise.shards.south.password=" + PASSWORD, "shardwise.shards.south.pool.maximum-pool-size=2",
				"shardwise.shards.south.pool.connection-timeout=250ms");

	ShardsHealthContributorTest() throws SQLException {
		create(this.northUrl);
		create(this.southUrl);
	}

	@Test
	void aShardWhosePoolIsExhaustedIsDownAtTheHealthDeadlineNotAfterThePoolTimeout() {
		this.runner.withPropertyValues("shardwise.shards.south.pool.connection-timeout=30s",
				"shardwise.health.timeout=200ms").run((context) -> {
					HealthEndpoint health = context.getBean(HealthEndpoint.class);
					Shards shards = context.getBean(Shards.class);
					DataSource south = shards.get("south").dataSource();
					// Every connection of the pool busy: a check would wait 30 s for one.
					try (Connection first = south.getConnection(); Connection second = south.getConnection()) {
						for (int i = 0; i < 3; i++) {
							HealthDescriptor descriptor = health.healthForPath("shards", "south");
							assertThat(descriptor.getStatus()).isEqualTo(Status.DOWN);
							assertThat(((IndicatedHealthDescriptor) descriptor).getDetails().get("error").toString())
								.contains("No answer within the health timeout of 200 ms");
						}
						assertThat(health.healthForPath("shards", "north").getStatus()).isEqualTo(Status.UP);
					}
				});
	}

	@Test
	void aShardHeldOutOfServiceIsDownWithoutAConnectionAttempt() {
		this.runner.run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			Shards shards = context.getBean(Shards.class);
			shards.availability().holdOut("south", "unreachable at startup");
			HealthDescriptor south = health.healthForPath("shards", "south");
			assertThat(south.getStatus()).isEqualTo(Status.DOWN);
			assertThat(((IndicatedHealthDescriptor) south).getDetails()).containsEntry("error",
					"Out of service: unreachable at startup");
			shards.availability().readmit("south");
			assertThat(health.healthForPath("shards", "south").getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void everyShardIsAComponentThatIsUpWithItsValidationTime() {
		this.runner.run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			CompositeHealthDescriptor shards = (CompositeHealthDescriptor) health.healthForPath("shards");
			assertThat(shards.getComponents()).containsOnlyKeys("north", "south");
			IndicatedHealthDescriptor north = (IndicatedHealthDescriptor) health.healthForPath("shards", "north");
			assertThat(north.getStatus()).isEqualTo(Status.UP);
			assertThat(north.getDetails()).containsEntry("database", "H2").containsKey("validationTimeMillis");
		});
	}

	@Test
	void aShardWhoseDatabaseIsGoneIsDownAndSoIsTheApplication() {
		this.runner.run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			shutdown(this.southUrl);
			HealthDescriptor south = health.healthForPath("shards", "south");
			assertThat(south.getStatus()).isEqualTo(Status.DOWN);
			assertThat(((IndicatedHealthDescriptor) south).getDetails()).containsKeys("error", "validationTimeMillis");
			assertThat(health.healthForPath("shards", "north").getStatus()).isEqualTo(Status.UP);
			assertThat(health.healthForPath("shards").getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
			assertThat(describe(health.health())).doesNotContain(PASSWORD);
		});
	}

	@Test
	void degradedModeKeepsTheApplicationUpWhileAnotherShardIsUp() {
		this.runner.withPropertyValues("shardwise.health.on-shard-down=degraded").run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			shutdown(this.southUrl);
			HealthDescriptor south = health.healthForPath("shards", "south");
			assertThat(south.getStatus()).isEqualTo(ShardsHealthContributor.DEGRADED);
			assertThat(((IndicatedHealthDescriptor) south).getDetails()).containsKey("error");
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(describe(health.health())).doesNotContain(PASSWORD);

			shutdown(this.northUrl);
			assertThat(health.healthForPath("shards", "north").getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.healthForPath("shards", "south").getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void degradedShowsInTheOverallStatusWhenTheStatusOrderNamesIt() {
		this.runner
			.withPropertyValues("shardwise.health.on-shard-down=degraded",
					"management.endpoint.health.status.order=down,out-of-service,degraded,up,unknown")
			.run((context) -> {
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				shutdown(this.northUrl);
				assertThat(health.health().getStatus()).isEqualTo(ShardsHealthContributor.DEGRADED);
			});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.shards.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardsHealthContributor.class));
	}

	private static String describe(Object health) {
		return health.toString() + ((health instanceof CompositeHealthDescriptor composite)
				? composite.getComponents().values().stream().map(ShardsHealthContributorTest::describe).toList()
				: (health instanceof IndicatedHealthDescriptor indicated) ? indicated.getDetails() : "");
	}

	private static void create(String url) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, "sa", PASSWORD)) {
			connection.isValid(1);
		}
	}

	private static void shutdown(String url) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, "sa", PASSWORD);
				Statement statement = connection.createStatement()) {
			statement.execute("SHUTDOWN");
		}
	}

}
