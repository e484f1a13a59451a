package io.shardwise.demo;

import java.util.List;

import io.shardwise.identity.SharedShardDatabaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Starting the demo with two shards on one PostgreSQL database fails, naming both
 * shards, however the URLs spell it ({@code localhost} against {@code 127.0.0.1}); two
 * databases of one server are two shards.
 */
@ExtendWith(EmbeddedPostgresShards.StopAfterAllTests.class)
class PostgresSharedDatabaseTest {

	private static final String DATABASE = "weather_shared";

	@Test
	void twoShardsOnOneDatabaseFailStartupNamingBoth() {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		String europe = servers.url("europe", DATABASE);
		String sameDatabase = europe.replace("//localhost:", "//127.0.0.1:") + "?ApplicationName=asia";
		assertThat(sameDatabase).isNotEqualTo(europe);
		Throwable failure = catchThrowable(() -> start("shardwise.shards[asia].url", sameDatabase).close());
		SharedShardDatabaseException ex = null;
		for (Throwable cause = failure; cause != null && ex == null; cause = cause.getCause()) {
			ex = (cause instanceof SharedShardDatabaseException shared) ? shared : null;
		}
		assertThat(ex).as("cause of %s", failure).isNotNull();
		assertThat(List.of(ex.getFirstShard(), ex.getSecondShard())).containsExactly("asia", "europe");
		assertThat(ex).hasMessageContaining("Shards 'asia' and 'europe' are configured onto the same database")
			.hasMessageContaining("PostgreSQL cluster ")
			.hasMessageContaining("database " + DATABASE);
		System.out.println("Reliability (PostgreSQL, shared database): " + ex.getMessage());
	}

	@Test
	void twoDatabasesOfOneServerAreTwoShards() {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		String otherDatabase = servers.url("europe", DATABASE + "_asia");
		try (ConfigurableApplicationContext app = start("shardwise.shards[asia].url", otherDatabase)) {
			assertThat(app.isActive()).isTrue();
		}
	}

	private static ConfigurableApplicationContext start(String property, String url) {
		return new SpringApplicationBuilder(DemoApplication.class).profiles("postgres")
			.initializers(new EmbeddedPostgresInitializer(), (context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("overrides", java.util.Map.of(property, url))))
			.run("--" + EmbeddedPostgresInitializer.DATABASE_PROPERTY + "=" + DATABASE, "--server.port=0");
	}

}
