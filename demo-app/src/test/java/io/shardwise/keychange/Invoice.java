package io.shardwise.keychange;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

@Entity
@Table(name = "invoices")
public class Invoice {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "tenant_id")
	private Tenant tenant;

	private String status;

	protected Invoice() {
	}

	public Invoice(Tenant tenant, String status) {
		this.tenant = tenant;
		this.status = status;
	}

	public Long getId() {
		return this.id;
	}

	public Tenant getTenant() {
		return this.tenant;
	}

	public void setTenant(Tenant tenant) {
		this.tenant = tenant;
	}

	public String getStatus() {
		return this.status;
	}

	public void setStatus(String status) {
		this.status = status;
	}

}
