package io.shardwise.benchmarks.plain;

import java.time.LocalDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * The baseline's report: mapped exactly like the Shardwise entity, without {@code @ShardKey}.
 */
@Entity
@Table(name = "weather_reports")
public class PlainReport {

	@Id
	@PlainId
	private Long id;

	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "location_id")
	private PlainWeatherLocation location;

	private double temperature;

	@Column(name = "report_time")
	private LocalDateTime reportTime = LocalDateTime.now();

	protected PlainReport() {
	}

	public PlainReport(PlainWeatherLocation location, double temperature) {
		this.location = location;
		this.temperature = temperature;
	}

	public Long getId() {
		return this.id;
	}

	public PlainWeatherLocation getLocation() {
		return this.location;
	}

	public double getTemperature() {
		return this.temperature;
	}

	public LocalDateTime getReportTime() {
		return this.reportTime;
	}

}
