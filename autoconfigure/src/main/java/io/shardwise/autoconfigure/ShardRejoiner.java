package io.shardwise.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.shardwise.migration.ShardMigrator;
import io.shardwise.routing.Shards;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * After a degraded start, tries the shards held out of service every
 * {@code rejoinInterval}; one that answers is migrated, then put back into service,
 * without a restart. Stops when every shard is back, or with the application.
 */
public class ShardRejoiner implements InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(ShardRejoiner.class);

	private final Shards shards;

	private final ShardMigrator migrator;

	private final Duration interval;

	private Thread thread;

	/**
	 * Create the rejoiner.
	 * @param shards the shards
	 * @param migrator migrates a shard before it rejoins, or {@code null}
	 * @param interval how often to try
	 */
	public ShardRejoiner(Shards shards, ShardMigrator migrator, Duration interval) {
		this.shards = shards;
		this.migrator = migrator;
		this.interval = interval;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.shards.availability().outOfService().isEmpty()) {
			return;
		}
		this.thread = new Thread(this::run, "shardwise-rejoin");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		try {
			while (!Thread.currentThread().isInterrupted()) {
				Thread.sleep(this.interval.toMillis());
				try {
					List<String> remaining = ShardStartup.rejoin(this.shards, this.migrator);
					if (remaining.isEmpty()) {
						return;
					}
				}
				catch (RuntimeException ex) {
					logger.warn("Cannot try the shards out of service: " + ex.getMessage());
				}
			}
		}
		catch (InterruptedException ex) {
			// stopped with the application
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		if (this.thread != null) {
			this.thread.interrupt();
			this.thread.join(this.interval.toMillis() + 10_000);
		}
	}

}
