package io.shardwise.movetest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.shardwise.move.ShardMover;
import io.shardwise.placement.PlacementMap;
import io.shardwise.placement.PlacementStore;
import io.shardwise.routing.Shards;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running instance of the {@link MoveTestApplication} over five shards
 * ({@code s0}..{@code s4}, indexes 0-4), the first four owning the 64 buckets of the
 * {@code accounts} strategy in blocks of 16 and {@code s4} none at first start.
 */
final class MoveTestInstance implements AutoCloseable {

	static final List<String> SHARDS = List.of("s0", "s1", "s2", "s3", "s4");

	static final int BUCKETS = 64;

	private final ConfigurableApplicationContext context;

	private MoveTestInstance(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Start an instance.
	 * @param urls the JDBC URL of each shard
	 * @param user the user name
	 * @param password the password
	 * @param node the instance's node number
	 * @param refresh the placement refresh interval (0s: only when a write is refused), or
	 * {@code null} for no durable placement at all
	 * @param shardByBucket the bucket-shards to configure (the stored map after moves), or
	 * {@code null} for the initial 4-shard map
	 * @param more further properties
	 * @return the running instance
	 */
	static MoveTestInstance start(List<String> urls, String user, String password, int node, String refresh,
			List<String> shardByBucket, String... more) {
		List<String> args = new ArrayList<>();
		for (int i = 0; i < SHARDS.size(); i++) {
			String shard = SHARDS.get(i);
			args.add("--shardwise.shards." + shard + ".url=" + urls.get(i));
			args.add("--shardwise.shards." + shard + ".index=" + i);
			if (user != null) {
				args.add("--shardwise.shards." + shard + ".username=" + user);
				args.add("--shardwise.shards." + shard + ".password=" + password);
			}
			args.add("--shardwise.shards." + shard + ".pool.maximum-pool-size=12");
		}
		args.add("--shardwise.strategies.accounts.type=hash");
		args.add("--shardwise.strategies.accounts.buckets=" + BUCKETS);
		Map<String, String> ranges = (shardByBucket != null) ? PlacementMap.ranges(shardByBucket)
				: Map.of("0-15", "s0", "16-31", "s1", "32-47", "s2", "48-63", "s3");
		ranges.forEach((range, shard) -> args.add("--shardwise.strategies.accounts.bucket-shards.[" + range + "]=" + shard));
		if (refresh != null) {
			args.add("--shardwise.placement.strategy=accounts");
			args.add("--shardwise.placement.refresh-interval=" + refresh);
		}
		args.add("--shardwise.placement.move-batch-size=500");
		args.add("--shardwise.migration.locations=classpath:db/movetest");
		args.add("--shardwise.id.node=" + node);
		args.add("--logging.level.io.shardwise=WARN");
		args.addAll(Arrays.asList(more));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(MoveTestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.config.name=movetest", "spring.main.banner-mode=off")
			.run(args.toArray(String[]::new));
		return new MoveTestInstance(context);
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	MoveControl control() {
		return bean(MoveControl.class);
	}

	ShardMover mover() {
		return bean(ShardMover.class);
	}

	Shards shards() {
		return bean(Shards.class);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	/**
	 * Read the stored bucket map from the metadata shard with plain JDBC.
	 * @param metadataUrl the JDBC URL of shard s0
	 * @param user the user or {@code null}
	 * @param password the password
	 * @return the shard of each bucket
	 */
	static List<String> storedMap(String metadataUrl, String user, String password) throws SQLException {
		String[] map = new String[BUCKETS];
		try (Connection connection = DriverManager.getConnection(metadataUrl, user, password);
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("select bucket, shard from " + PlacementStore.MAP + " where strategy = 'accounts'")) {
			while (rows.next()) {
				map[rows.getInt(1)] = rows.getString(2);
			}
		}
		return Arrays.asList(map);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
