package io.shardwise.benchmarks.sharded;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/**
 * A read-only view of {@code weather_locations} whose id is not a Shardwise id (no
 * {@code @ShardwiseId}) and which has no {@code @ShardKey}: Shardwise cannot tell its
 * shard, so {@code findById} looks on every shard and the first hit wins.
 */
@Entity
@Immutable
@Table(name = "weather_locations")
public class LocationRecord {

	@Id
	private Long id;

	private String continent;

	private String city;

	protected LocationRecord() {
	}

	public Long getId() {
		return this.id;
	}

	public String getContinent() {
		return this.continent;
	}

	public String getCity() {
		return this.city;
	}

}
