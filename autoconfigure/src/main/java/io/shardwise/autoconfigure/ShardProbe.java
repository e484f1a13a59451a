package io.shardwise.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.shardwise.routing.Shard;

/**
 * Opens one connection to each shard's database with the driver itself, bypassing the
 * pool: a pool answers a refused password only after its whole connection timeout,
 * reporting "connection not available", while the driver reports it at once with its
 * SQL state. The shards are probed in parallel, each within its pool's connection
 * timeout.
 */
final class ShardProbe {

	private ShardProbe() {
	}

	/**
	 * Probe shards.
	 * @param shards the shards to probe; those whose DataSource is not a HikariCP pool
	 * are skipped
	 * @return the failures by shard id, in the order of {@code shards}; a shard that did
	 * not answer within its connection timeout fails with an
	 * {@link SQLTransientConnectionException}
	 */
	static Map<String, SQLException> probe(List<Shard> shards) {
		Map<String, CompletableFuture<SQLException>> probes = new LinkedHashMap<>();
		Map<String, Long> timeouts = new LinkedHashMap<>();
		for (Shard shard : shards) {
			if (shard.dataSource() instanceof HikariDataSource pool) {
				probes.put(shard.id(), CompletableFuture.supplyAsync(() -> connect(driver(pool)), (task) -> {
					Thread thread = new Thread(task, "shardwise-probe-" + shard.id());
					thread.setDaemon(true);
					thread.start();
				}));
				timeouts.put(shard.id(), pool.getConnectionTimeout());
			}
		}
		Map<String, SQLException> failures = new LinkedHashMap<>();
		long start = System.nanoTime();
		probes.forEach((id, probe) -> {
			long remaining = TimeUnit.MILLISECONDS.toNanos(timeouts.get(id)) - (System.nanoTime() - start);
			SQLException failure;
			try {
				failure = probe.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				failure = new SQLTransientConnectionException(
						"No answer within the connection timeout of " + Duration.ofMillis(timeouts.get(id)), "08001");
			}
			catch (ExecutionException ex) {
				// Not a connection error: the driver cannot even try (a bad URL or driver class).
				failure = new SQLException(ex.getCause().getClass().getName() + ": " + ex.getCause().getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failure = new SQLTransientConnectionException("Interrupted while probing", "08001", ex);
			}
			if (failure != null) {
				failures.put(id, failure);
			}
		});
		return failures;
	}

	private static DataSource driver(HikariDataSource pool) {
		Properties properties = new Properties();
		properties.putAll(pool.getDataSourceProperties());
		return new DriverDataSource(pool.getJdbcUrl(), pool.getDriverClassName(), properties, pool.getUsername(),
				pool.getPassword());
	}

	private static SQLException connect(DataSource driver) {
		try (Connection connection = driver.getConnection()) {
			return null;
		}
		catch (SQLException ex) {
			return ex;
		}
	}

}
