package io.shardwise.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Flyway migration of every shard at startup.
 */
@ConfigurationProperties(prefix = "shardwise.migration", ignoreUnknownFields = false)
public class ShardwiseMigrationProperties {

	/**
	 * Whether to migrate every shard's schema with Flyway at startup, before the
	 * application uses any shard.
	 */
	private boolean enabled = true;

	/**
	 * Flyway locations of the migration scripts, applied to every shard.
	 */
	private List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getLocations() {
		return this.locations;
	}

	public void setLocations(List<String> locations) {
		this.locations = locations;
	}

}
