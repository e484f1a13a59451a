package io.shardwise.autoconfigure.actuate;

import java.util.List;
import java.util.function.Function;

import io.shardwise.autoconfigure.JdbcUrls;
import io.shardwise.routing.Shard;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Reads each shard's current Flyway schema version from its schema history table.
 */
class FlywaySchemaVersions implements Function<Shard, ShardsEndpoint.SchemaVersion> {

	private final List<String> locations;

	FlywaySchemaVersions(List<String> locations) {
		this.locations = List.copyOf(locations);
	}

	@Override
	public ShardsEndpoint.SchemaVersion apply(Shard shard) {
		try {
			MigrationInfo current = Flyway.configure(getClass().getClassLoader())
				.dataSource(shard.dataSource())
				.locations(this.locations.toArray(String[]::new))
				.load()
				.info()
				.current();
			String version = (current != null && current.getVersion() != null) ? current.getVersion().getVersion()
					: null;
			return new ShardsEndpoint.SchemaVersion(version, null);
		}
		catch (RuntimeException ex) {
			return new ShardsEndpoint.SchemaVersion(null,
					ex.getClass().getName() + ": " + JdbcUrls.mask(ex.getMessage()));
		}
	}

}
