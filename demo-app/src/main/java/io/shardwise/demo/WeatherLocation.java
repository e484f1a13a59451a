package io.shardwise.demo;

import java.util.ArrayList;
import java.util.List;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

/**
 * A city, stored on the shard of its continent.
 */
@Entity
@Table(name = "weather_locations")
public class WeatherLocation {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	private String continent;

	private String city;

	@OneToMany(mappedBy = "location", cascade = CascadeType.ALL)
	@OrderBy("id")
	private List<Report> reports = new ArrayList<>();

	protected WeatherLocation() {
	}

	public WeatherLocation(String continent, String city) {
		this.continent = continent;
		this.city = city;
	}

	public Report addReport(double temperature) {
		Report report = new Report(this, temperature);
		this.reports.add(report);
		return report;
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

	public void setCity(String city) {
		this.city = city;
	}

	public List<Report> getReports() {
		return this.reports;
	}

}
