package io.shardwise.keychange;

import io.shardwise.annotation.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A note with a per-database identity id (not a Shardwise id): its id does not tell its
 * shard.
 */
@Entity
@Table(name = "notes")
public class Note {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	@ShardKey
	private String region;

	private String text;

	protected Note() {
	}

	public Note(String region, String text) {
		this.region = region;
		this.text = text;
	}

	public Long getId() {
		return this.id;
	}

	public String getRegion() {
		return this.region;
	}

	public void setRegion(String region) {
		this.region = region;
	}

	public String getText() {
		return this.text;
	}

	public void setText(String text) {
		this.text = text;
	}

}
