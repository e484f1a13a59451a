package io.shardwise.benchmarks.sharded;

import java.time.LocalDateTime;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * A temperature reading, stored on the shard of its location: the demo's entity.
 */
@Entity
@Table(name = "weather_reports")
public class Report {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "location_id")
	private WeatherLocation location;

	private double temperature;

	@Column(name = "report_time")
	private LocalDateTime reportTime = LocalDateTime.now();

	protected Report() {
	}

	public Report(WeatherLocation location, double temperature) {
		this.location = location;
		this.temperature = temperature;
	}

	public Long getId() {
		return this.id;
	}

	public WeatherLocation getLocation() {
		return this.location;
	}

	public double getTemperature() {
		return this.temperature;
	}

	public LocalDateTime getReportTime() {
		return this.reportTime;
	}

}
