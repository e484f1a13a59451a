package io.shardwise.autoconfigure;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.shardwise.autoconfigure.ShardwiseStartupProperties.OnShardUnavailable;
import io.shardwise.migration.ShardMigrator;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardFailures;
import io.shardwise.routing.ShardUnavailableException;
import io.shardwise.routing.Shards;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Checks at startup that every shard can be reached, before anything waits on a pool:
 * a shard that refuses the credentials, or answers with another error than a
 * connection error, fails startup at once naming it; a shard that cannot be reached
 * fails startup too, or, with {@code shardwise.startup.on-shard-unavailable=degraded},
 * is held out of service until {@link ShardRejoiner} readmits it.
 */
public final class ShardStartup {

	/** Why a shard is held out of service after a degraded start. */
	static final String HELD_OUT = "unreachable at startup; it rejoins once it answers and is migrated";

	private static final Log logger = LogFactory.getLog(ShardStartup.class);

	private ShardStartup() {
	}

	/**
	 * Probe every shard, then migrate those in service.
	 * @param shards the shards
	 * @param onShardUnavailable what to do with a shard that cannot be reached
	 * @param migrator migrates the shards in service, or {@code null}
	 * @throws ShardStartupException if a shard refuses the credentials or the database
	 * named by its URL
	 * @throws ShardUnavailableException if a shard cannot be reached and the start is not
	 * degraded
	 */
	public static void start(Shards shards, OnShardUnavailable onShardUnavailable, ShardMigrator migrator) {
		Map<String, SQLException> failures = ShardProbe.probe(shards.all());
		failures.forEach((id, failure) -> {
			if (!ShardFailures.isConnectionError(failure)) {
				throw refused(id, failure);
			}
		});
		failures.forEach((id, failure) -> {
			if (onShardUnavailable == OnShardUnavailable.FAIL) {
				throw new ShardUnavailableException(id, "unreachable at startup; set "
						+ "shardwise.startup.on-shard-unavailable=degraded to start without it",
						new SQLException(JdbcUrls.mask(failure.getMessage()), failure.getSQLState()));
			}
			logger.warn("Shard '" + id + "' cannot be reached (" + JdbcUrls.mask(failure.getMessage())
					+ "): starting without it (shardwise.startup.on-shard-unavailable=degraded); calls to it fail "
					+ "until it answers and is migrated");
			shards.availability().holdOut(id, HELD_OUT);
		});
		if (migrator != null) {
			migrator.migrate(shards);
		}
	}

	/**
	 * Readmit the shards held out of service that answer now, each after migrating it.
	 * @param shards the shards
	 * @param migrator the migrator, or {@code null}
	 * @return the shards still out of service
	 */
	static List<String> rejoin(Shards shards, ShardMigrator migrator) {
		List<Shard> held = shards.all()
			.stream()
			.filter((shard) -> !shards.availability().isInService(shard.id()))
			.toList();
		if (held.isEmpty()) {
			return List.of();
		}
		Map<String, SQLException> failures = ShardProbe.probe(held);
		for (Shard shard : held) {
			if (failures.containsKey(shard.id())) {
				continue;
			}
			try {
				if (migrator != null) {
					migrator.migrate(shard);
				}
				shards.availability().readmit(shard.id());
				logger.info("Shard '" + shard.id() + "' answers again" + ((migrator != null) ? " and is migrated" : "")
						+ ": back in service");
			}
			catch (RuntimeException ex) {
				logger.error("Shard '" + shard.id() + "' answers again but its migration failed; it stays out of "
						+ "service: " + JdbcUrls.mask(ex.getMessage()));
			}
		}
		return shards.all()
			.stream()
			.map(Shard::id)
			.filter((id) -> !shards.availability().isInService(id))
			.toList();
	}

	private static RuntimeException refused(String id, SQLException failure) {
		String state = failure.getSQLState();
		boolean credentials = state != null && state.startsWith("28");
		String property = "shardwise.shards." + id + "." + (credentials ? "password" : "url");
		// Not an InvalidConfigurationPropertyValueException: its failure analyzer prints the
		// property's value, here a password or a URL that may hold one.
		return new ShardStartupException(id, property, "Shard '" + id + "' "
				+ (credentials ? "refused the credentials" : "refused the connection")
				+ ((state != null) ? " (SQL state " + state + ")" : "") + ": " + JdbcUrls.mask(failure.getMessage())
				+ "; check " + (credentials ? property + " and shardwise.shards." + id + ".username" : property));
	}

}
