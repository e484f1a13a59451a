package io.shardwise.demo;

import java.math.BigDecimal;
import java.time.LocalDateTime;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Test-only entity of the fan-out correctness tests, stored on the shard of its region (a
 * continent). {@code label} and {@code reading} may be NULL; values repeat on purpose.
 * {@code measuredAt} is a non-null date-time, which a deep page of {@code findAll} can
 * compare itself. Its table exists only in contexts that add
 * {@code classpath:db/testmigration}.
 */
@Entity
@Table(name = "measurements")
public class Measurement {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	private String region;

	private String city;

	private String label;

	private Double reading;

	private int seq;

	private BigDecimal amount;

	@Basic(optional = false)
	@Column(name = "measured_at")
	private LocalDateTime measuredAt;

	protected Measurement() {
	}

	public Measurement(String region, String city, String label, Double reading, int seq, BigDecimal amount) {
		this(region, city, label, reading, seq, amount, LocalDateTime.of(2026, 1, 1, 0, 0));
	}

	public Measurement(String region, String city, String label, Double reading, int seq, BigDecimal amount,
			LocalDateTime measuredAt) {
		this.measuredAt = measuredAt;
		this.region = region;
		this.city = city;
		this.label = label;
		this.reading = reading;
		this.seq = seq;
		this.amount = amount;
	}

	public Long getId() {
		return this.id;
	}

	public String getRegion() {
		return this.region;
	}

	public String getCity() {
		return this.city;
	}

	public String getLabel() {
		return this.label;
	}

	public Double getReading() {
		return this.reading;
	}

	public int getSeq() {
		return this.seq;
	}

	public BigDecimal getAmount() {
		return this.amount;
	}

	public LocalDateTime getMeasuredAt() {
		return this.measuredAt;
	}

	@Override
	public String toString() {
		return "Measurement[" + this.id + ", " + this.region + ", " + this.city + ", " + this.label + ", "
				+ this.reading + ", " + this.seq + ", " + this.amount + ", " + this.measuredAt + "]";
	}

}
