package io.shardwise.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.shardwise.id.NodeLease;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the demo started from one configuration on the same four PostgreSQL
 * servers, as replicas of one deployment: they lease distinct id nodes, and their
 * concurrent writes to one shard never collide.
 */
@ExtendWith(EmbeddedPostgresShards.StopAfterAllTests.class)
class NodeLeaseTest {

	private static final String DATABASE = "weather_leases";

	private static final int THREADS = 4;

	private static final int WRITES = 150;

	@Test
	void twoInstancesWithOneConfigurationWriteToOneShardWithoutDuplicateIds() throws Exception {
		Map<String, Object> shards = shardProperties();
		try (ConfigurableApplicationContext first = start(shards); ConfigurableApplicationContext second = start(shards)) {
			int firstNode = first.getBean(Shards.class).nodeLease().node();
			int secondNode = second.getBean(Shards.class).nodeLease().node();
			assertThat(firstNode).isNotEqualTo(secondNode);
			ExecutorService writers = Executors.newFixedThreadPool(2 * THREADS);
			List<Future<Integer>> done = new ArrayList<>();
			try {
				for (ConfigurableApplicationContext app : List.of(first, second)) {
					WeatherLocationRepository locations = app.getBean(WeatherLocationRepository.class);
					for (int t = 0; t < THREADS; t++) {
						String prefix = "L-" + app.getId() + "-" + t + "-";
						done.add(writers.submit(() -> {
							for (int i = 0; i < WRITES; i++) {
								locations.save(new WeatherLocation("Asia", prefix + i));
							}
							return WRITES;
						}));
					}
				}
				int written = 0;
				for (Future<Integer> writer : done) {
					written += writer.get(5, TimeUnit.MINUTES);
				}
				assertThat(written).isEqualTo(2 * THREADS * WRITES);
			}
			finally {
				writers.shutdownNow();
			}
			try (Connection connection = EmbeddedPostgresShards.get().connectAsSuperuser("asia", DATABASE);
					Statement statement = connection.createStatement()) {
				try (ResultSet rows = statement.executeQuery(
						"select count(*), count(distinct id) from weather_locations where city like 'L-%'")) {
					rows.next();
					assertThat(rows.getInt(1)).isEqualTo(2 * THREADS * WRITES);
					assertThat(rows.getInt(2)).isEqualTo(2 * THREADS * WRITES);
				}
			}
			// The lease table lives on the shard with the lowest index.
			try (Connection connection = EmbeddedPostgresShards.get().connectAsSuperuser("north_america", DATABASE);
					Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("select count(*) from " + NodeLease.TABLE)) {
				rows.next();
				assertThat(rows.getInt(1)).isEqualTo(2);
			}
			System.out.printf("Node leases (PostgreSQL): 2 instances of one configuration on nodes %d and %d wrote %d "
					+ "rows to shard 'asia' from %d threads, duplicate ids = 0%n", firstNode, secondNode,
					2 * THREADS * WRITES, 2 * THREADS);
		}
	}

	private static Map<String, Object> shardProperties() {
		EmbeddedPostgresShards servers = EmbeddedPostgresShards.get();
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String shard : ShardDatabases.SHARDS) {
			String prefix = "shardwise.shards[" + shard + "].";
			properties.put(prefix + "url", servers.url(shard, DATABASE));
			properties.put(prefix + "username", EmbeddedPostgresShards.APP_USER);
			properties.put(prefix + "password", EmbeddedPostgresShards.APP_PASSWORD);
			properties.put(prefix + "pool.maximum-pool-size", "4");
		}
		return properties;
	}

	private static ConfigurableApplicationContext start(Map<String, Object> shards) {
		return new SpringApplicationBuilder(DemoApplication.class).profiles("postgres")
			.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("leaseShards", shards)))
			.run("--server.port=0", "--spring.jmx.enabled=false");
	}

}
