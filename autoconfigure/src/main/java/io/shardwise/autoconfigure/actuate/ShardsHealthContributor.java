package io.shardwise.autoconfigure.actuate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.shardwise.autoconfigure.JdbcUrls;
import io.shardwise.autoconfigure.actuate.ShardwiseHealthProperties.ShardDownStatus;
import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The "shards" health contributor: one component per shard, in declaration order, that
 * checks a connection of the shard's own pool with {@link Connection#isValid(int)},
 * within a deadline of its own: a shard whose server is down, or whose pool has no free
 * connection, is reported failing at the deadline instead of holding the health
 * endpoint for the pool's connection timeout. A shard held out of service after a
 * degraded start fails at once, without a connection attempt.
 *
 * <p>An UP shard reports its database product and the time the check took (getting a
 * connection and validating it, in milliseconds with microsecond precision). A failing
 * shard reports the exception's type and message, and its cause's, with credentials of
 * any JDBC URL masked; see {@link ShardwiseHealthProperties#getOnShardDown()} for its
 * status.
 */
public class ShardsHealthContributor implements CompositeHealthContributor, AutoCloseable {

	/**
	 * Status of a failing shard under {@link ShardDownStatus#DEGRADED}.
	 */
	public static final Status DEGRADED = new Status("DEGRADED", "Shard down; the other shards serve partial results");

	private final Shards shards;

	private final ShardDownStatus onShardDown;

	private final int timeoutSeconds;

	private final long timeoutMillis;

	private final Map<String, Future<Health.Builder>> running = new ConcurrentHashMap<>();

	private final ExecutorService checks = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "shardwise-health");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<String, ShardHealthIndicator> indicators = new LinkedHashMap<>();

	private final Map<String, Boolean> lastPassed = new ConcurrentHashMap<>();

	/**
	 * Create the contributor.
	 * @param shards the shards
	 * @param onShardDown how a failing shard is reported
	 * @param timeout the deadline of one shard's check
	 */
	public ShardsHealthContributor(Shards shards, ShardDownStatus onShardDown, Duration timeout) {
		this.shards = shards;
		this.onShardDown = onShardDown;
		this.timeoutMillis = Math.max(1, timeout.toMillis());
		this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
		shards.all().forEach((shard) -> this.indicators.put(shard.id(), new ShardHealthIndicator(shard)));
	}

	@Override
	public HealthContributor getContributor(String name) {
		return this.indicators.get(name);
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		return this.indicators.entrySet()
			.stream()
			.map((entry) -> new HealthContributors.Entry(entry.getKey(), entry.getValue()));
	}

	private Health check(Shard shard) {
		long start = System.nanoTime();
		Health.Builder health;
		String outOfService = this.shards.availability().reasonOutOfService(shard.id());
		if (outOfService != null) {
			health = Health.down().withDetail("error", "Out of service: " + outOfService);
		}
		else {
			health = checkWithinDeadline(shard);
		}
		double millis = Math.round((System.nanoTime() - start) / 1000.0) / 1000.0;
		Health result = health.withDetail("validationTimeMillis", millis).build();
		boolean passed = Status.UP.equals(result.getStatus());
		this.lastPassed.put(shard.id(), passed);
		if (passed || this.onShardDown == ShardDownStatus.DOWN || !anotherShardUp(shard)) {
			return result;
		}
		return Health.status(DEGRADED).withDetails(result.getDetails()).build();
	}

	private Health.Builder checkWithinDeadline(Shard shard) {
		// One check per shard at a time: a check stuck behind a blocked pool is waited
		// for again by the next request, not joined by another thread.
		Future<Health.Builder> check = this.running.computeIfAbsent(shard.id(),
				(id) -> this.checks.submit(() -> validate(shard)));
		try {
			Health.Builder health = check.get(this.timeoutMillis, TimeUnit.MILLISECONDS);
			this.running.remove(shard.id(), check);
			return health;
		}
		catch (TimeoutException ex) {
			return Health.down()
				.withDetail("error", "No answer within the health timeout of " + this.timeoutMillis
						+ " ms: the shard's server does not answer, or its pool has no free connection");
		}
		catch (ExecutionException ex) {
			this.running.remove(shard.id(), check);
			return Health.down().withDetail("error", describe(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Health.down().withDetail("error", "Interrupted");
		}
	}

	private Health.Builder validate(Shard shard) {
		Health.Builder health;
		try (Connection connection = shard.dataSource().getConnection()) {
			if (connection.isValid(this.timeoutSeconds)) {
				health = Health.up().withDetail("database", connection.getMetaData().getDatabaseProductName());
			}
			else {
				health = Health.down()
					.withDetail("error", "Connection#isValid(" + this.timeoutSeconds + ") returned false");
			}
		}
		catch (SQLException | RuntimeException ex) {
			health = Health.down().withDetail("error", describe(ex));
			if (ex.getCause() != null && ex.getCause() != ex) {
				health.withDetail("cause", describe(ex.getCause()));
			}
		}
		return health;
	}

	private boolean anotherShardUp(Shard failed) {
		for (Shard shard : this.shards.all()) {
			if (shard != failed) {
				Boolean passed = this.lastPassed.get(shard.id());
				if (passed == null) {
					passed = Status.UP.equals(this.indicators.get(shard.id()).health().getStatus());
				}
				if (passed) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Stop the threads of checks still running.
	 */
	@Override
	public void close() {
		this.checks.shutdownNow();
	}

	private static String describe(Throwable ex) {
		return ex.getClass().getName() + ": " + JdbcUrls.mask(ex.getMessage());
	}

	private final class ShardHealthIndicator implements HealthIndicator {

		private final Shard shard;

		ShardHealthIndicator(Shard shard) {
			this.shard = shard;
		}

		@Override
		public Health health() {
			return check(this.shard);
		}

	}

}
