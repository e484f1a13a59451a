package io.shardwise.autoconfigure.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Binds the HikariCP metrics ({@code hikaricp.connections.*}) of every shard's pool.
 * Spring Boot's own pool metrics see only the application's routing DataSource, not the
 * shard pools behind it. HikariCP tags its meters {@code pool=shardwise-<id>};
 * {@link #shardTagFilter()} adds {@code shard=<id>}. Also registers
 * {@code shardwise.shard.in-service} per shard: 0 while the shard is held out of service
 * after a degraded start, 1 otherwise.
 */
public class ShardPoolMetrics implements MeterBinder {

	private static final Log logger = LogFactory.getLog(ShardPoolMetrics.class);

	/**
	 * Prefix of the HikariCP pool name of each shard, followed by the shard id.
	 */
	public static final String POOL_NAME_PREFIX = "shardwise-";

	private final Shards shards;

	/**
	 * Create the binder.
	 * @param shards the shards whose pools to bind
	 */
	public ShardPoolMetrics(Shards shards) {
		this.shards = shards;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (Shard shard : this.shards.all()) {
			// 0 while the shard is held out of service after a degraded start.
			Gauge.builder("shardwise.shard.in-service", this.shards,
					(shards) -> shards.availability().isInService(shard.id()) ? 1 : 0)
				.tag("shard", shard.id())
				.description("Whether the shard serves calls: 0 while it is held out of service after a degraded start")
				.register(registry);
		}
		for (Shard shard : this.shards.all()) {
			if (shard.dataSource() instanceof HikariDataSource hikari && hikari.getMetricsTrackerFactory() == null
					&& hikari.getMetricRegistry() == null) {
				try {
					hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
				}
				catch (RuntimeException ex) {
					logger.warn("Cannot bind the HikariCP metrics of shard '" + shard.id() + "': " + ex.getMessage());
				}
			}
		}
	}

	/**
	 * Return a filter that tags the HikariCP meters of a shard pool with {@code shard}.
	 * @return the filter
	 */
	public static MeterFilter shardTagFilter() {
		return new MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				if (id.getName().startsWith("hikaricp.") && id.getTag("shard") == null) {
					String pool = id.getTag("pool");
					if (pool != null && pool.startsWith(POOL_NAME_PREFIX)) {
						return id.withTag(Tag.of("shard", pool.substring(POOL_NAME_PREFIX.length())));
					}
				}
				return id;
			}

		};
	}

}
