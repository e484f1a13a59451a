package io.shardwise.movetest;

import java.util.ArrayList;
import java.util.List;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

/**
 * An order, on the shard of its customer.
 */
@Entity
@Table(name = "orders")
public class PurchaseOrder {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "customer_id")
	private Customer customer;

	private int amount;

	@OneToMany(mappedBy = "order", cascade = CascadeType.ALL, orphanRemoval = true)
	private List<OrderLine> lines = new ArrayList<>();

	protected PurchaseOrder() {
	}

	public PurchaseOrder(Customer customer, int amount) {
		this.customer = customer;
		this.amount = amount;
	}

	public OrderLine addLine(String sku, int quantity) {
		OrderLine line = new OrderLine(this, sku, quantity);
		this.lines.add(line);
		return line;
	}

	public Long getId() {
		return this.id;
	}

	public Customer getCustomer() {
		return this.customer;
	}

	public int getAmount() {
		return this.amount;
	}

	public List<OrderLine> getLines() {
		return this.lines;
	}

}
