package io.shardwise.benchmarks.plain;

import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

/**
 * The baseline's location: mapped exactly like the Shardwise entity, without {@code @ShardKey}.
 */
@Entity
@Table(name = "weather_locations")
public class PlainWeatherLocation {

	@Id
	@PlainId
	private Long id;

	private String continent;

	private String city;

	@OneToMany(mappedBy = "location", cascade = CascadeType.ALL)
	private List<PlainReport> reports = new ArrayList<>();

	protected PlainWeatherLocation() {
	}

	public PlainWeatherLocation(String continent, String city) {
		this.continent = continent;
		this.city = city;
	}

	public PlainReport addReport(double temperature) {
		PlainReport report = new PlainReport(this, temperature);
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

	public List<PlainReport> getReports() {
		return this.reports;
	}

}
