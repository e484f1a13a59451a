package io.shardwise.jdbcdemo;

import java.util.ArrayList;
import java.util.List;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.MappedCollection;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A Spring Data JDBC aggregate root: the station and its readings are written and read
 * together, so they live on the station's shard.
 */
@Table("stations")
public class Station {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	private String continent;

	private String name;

	@MappedCollection(idColumn = "station_id", keyColumn = "position")
	private List<Reading> readings = new ArrayList<>();

	public Station() {
	}

	public Station(String continent, String name, double... temperatures) {
		this.continent = continent;
		this.name = name;
		for (double temperature : temperatures) {
			this.readings.add(new Reading(temperature));
		}
	}

	public Long getId() {
		return this.id;
	}

	public void setId(Long id) {
		this.id = id;
	}

	public String getContinent() {
		return this.continent;
	}

	public void setContinent(String continent) {
		this.continent = continent;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public List<Reading> getReadings() {
		return this.readings;
	}

	public void setReadings(List<Reading> readings) {
		this.readings = readings;
	}

	@Override
	public String toString() {
		return this.name + "@" + this.continent;
	}

	/**
	 * A reading of the station, part of its aggregate.
	 *
	 * @param temperature the temperature
	 */
	@Table("station_readings")
	public record Reading(double temperature) {
	}

}
