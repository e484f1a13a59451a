package io.shardwise.migration;

import java.util.List;
import java.util.function.Consumer;

import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Migrates the schema of every shard with Flyway, one shard after the other in
 * the order of the shards, stopping at the first shard that fails.
 */
public class ShardMigrator {

	private final List<String> locations;

	private final Consumer<FluentConfiguration> customizer;

	/**
	 * Create a migrator.
	 * @param locations Flyway locations of the migration scripts
	 * @param customizer further Flyway configuration applied to every shard
	 */
	public ShardMigrator(List<String> locations, Consumer<FluentConfiguration> customizer) {
		this.locations = List.copyOf(locations);
		this.customizer = customizer;
	}

	/**
	 * Migrate every shard in service, in the order of the shards; shards held out of
	 * service (after a degraded start) are migrated when they rejoin.
	 * @param shards the shards
	 * @throws ShardMigrationException naming the first shard whose migration failed
	 */
	public void migrate(Shards shards) {
		for (Shard shard : shards.all()) {
			if (shards.availability().isInService(shard.id())) {
				migrate(shard);
			}
		}
	}

	/**
	 * Migrate one shard.
	 * @param shard the shard
	 * @throws ShardMigrationException naming the shard, if its migration failed
	 */
	public void migrate(Shard shard) {
		try {
			FluentConfiguration configuration = Flyway.configure(getClass().getClassLoader())
				.dataSource(shard.dataSource())
				.locations(this.locations.toArray(String[]::new));
			this.customizer.accept(configuration);
			configuration.load().migrate();
		}
		catch (RuntimeException ex) {
			throw new ShardMigrationException(shard.id(), ex);
		}
	}

}
