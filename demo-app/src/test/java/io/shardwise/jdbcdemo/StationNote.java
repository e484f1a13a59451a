package io.shardwise.jdbcdemo;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A JPA entity in the same application as the Spring Data JDBC aggregate.
 */
@Entity
@Table(name = "station_notes")
public class StationNote {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	private String continent;

	private String text;

	protected StationNote() {
	}

	public StationNote(String continent, String text) {
		this.continent = continent;
		this.text = text;
	}

	public Long getId() {
		return this.id;
	}

	public String getContinent() {
		return this.continent;
	}

	public String getText() {
		return this.text;
	}

}
