package io.shardwise.autoconfigure.actuate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * checks a connection of the shard's own pool with {@link Connection#isValid(int)}.
 *
 * <p>An UP shard reports its database product and the time the check took (getting a
 * connection and validating it, in milliseconds with microsecond precision). A failing
 * shard reports the exception's type and message, and its cause's, with credentials of
 * any JDBC URL masked; see {@link ShardwiseHealthProperties#getOnShardDown()} for its
 * status.
 */
public class ShardsHealthContributor implements CompositeHealthContributor {

	/**
	 * Status of a failing shard under {@link ShardDownStatus#DEGRADED}.
	 */
	public static final Status DEGRADED = new Status("DEGRADED", "Shard down; the other shards serve partial results");

	private final Shards shards;

	private final ShardDownStatus onShardDown;

	private final int timeoutSeconds;

	private final Map<String, ShardHealthIndicator> indicators = new LinkedHashMap<>();

	private final Map<String, Boolean> lastPassed = new ConcurrentHashMap<>();

	/**
	 * Create the contributor.
	 * @param shards the shards
	 * @param onShardDown how a failing shard is reported
	 * @param validationTimeout the timeout of {@link Connection#isValid(int)}
	 */
	public ShardsHealthContributor(Shards shards, ShardDownStatus onShardDown, Duration validationTimeout) {
		this.shards = shards;
		this.onShardDown = onShardDown;
		this.timeoutSeconds = (int) Math.max(1, (validationTimeout.toMillis() + 999) / 1000);
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
		double millis = Math.round((System.nanoTime() - start) / 1000.0) / 1000.0;
		Health result = health.withDetail("validationTimeMillis", millis).build();
		boolean passed = Status.UP.equals(result.getStatus());
		this.lastPassed.put(shard.id(), passed);
		if (passed || this.onShardDown == ShardDownStatus.DOWN || !anotherShardUp(shard)) {
			return result;
		}
		return Health.status(DEGRADED).withDetails(result.getDetails()).build();
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
