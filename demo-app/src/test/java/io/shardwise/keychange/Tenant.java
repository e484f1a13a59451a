package io.shardwise.keychange;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "tenants")
public class Tenant {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	private String region;

	private String name;

	protected Tenant() {
	}

	public Tenant(String region, String name) {
		this.region = region;
		this.name = name;
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

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

}
