package io.shardwise.benchmarks.plain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

/**
 * The baseline's read-only view of {@code weather_locations}: mapped exactly like the
 * Shardwise side's {@code LocationRecord}.
 */
@Entity
@Immutable
@Table(name = "weather_locations")
public class PlainLocationRecord {

	@Id
	private Long id;

	private String continent;

	private String city;

	protected PlainLocationRecord() {
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
