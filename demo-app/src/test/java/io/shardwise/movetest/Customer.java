package io.shardwise.movetest;

import java.util.ArrayList;
import java.util.List;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

/**
 * A customer, placed by the hash of its key.
 */
@Entity
@Table(name = "customers")
public class Customer {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	@Column(name = "customer_key")
	private String key;

	private String name;

	@OneToMany(mappedBy = "customer", cascade = CascadeType.ALL, orphanRemoval = true)
	private List<PurchaseOrder> orders = new ArrayList<>();

	protected Customer() {
	}

	public Customer(String key, String name) {
		this.key = key;
		this.name = name;
	}

	public PurchaseOrder addOrder(int amount) {
		PurchaseOrder order = new PurchaseOrder(this, amount);
		this.orders.add(order);
		return order;
	}

	public Long getId() {
		return this.id;
	}

	public String getKey() {
		return this.key;
	}

	public void setKey(String key) {
		this.key = key;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public List<PurchaseOrder> getOrders() {
		return this.orders;
	}

}
