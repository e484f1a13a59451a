package io.shardwise.movetest;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * A line of an order, on the shard of its order's customer.
 */
@Entity
@Table(name = "order_lines")
public class OrderLine {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "order_id")
	private PurchaseOrder order;

	private String sku;

	private int quantity;

	protected OrderLine() {
	}

	OrderLine(PurchaseOrder order, String sku, int quantity) {
		this.order = order;
		this.sku = sku;
		this.quantity = quantity;
	}

	public Long getId() {
		return this.id;
	}

	public PurchaseOrder getOrder() {
		return this.order;
	}

}
