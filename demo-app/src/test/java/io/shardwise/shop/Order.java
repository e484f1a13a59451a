package io.shardwise.shop;

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
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

@Entity
@Table(name = "orders")
@EntityListeners(OrderListener.class)
public class Order {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "customer_id")
	private Customer customer;

	private String status;

	private int total;

	@OneToMany(mappedBy = "order", cascade = CascadeType.ALL)
	private List<OrderLine> lines = new ArrayList<>();

	/** The shard this instance loaded from, as {@code @PostLoad} saw it. */
	@Transient
	private String loadedOnShard;

	protected Order() {
	}

	public Order(Customer customer, String status, int total) {
		this.customer = customer;
		this.status = status;
		this.total = total;
	}

	void loadedOn(String shard) {
		this.loadedOnShard = shard;
	}

	public OrderLine addLine(String product, int quantity) {
		OrderLine line = new OrderLine(this, product, quantity);
		this.lines.add(line);
		return line;
	}

	public Long getId() {
		return this.id;
	}

	public Customer getCustomer() {
		return this.customer;
	}

	public String getStatus() {
		return this.status;
	}

	public void setStatus(String status) {
		this.status = status;
	}

	public int getTotal() {
		return this.total;
	}

	public void setTotal(int total) {
		this.total = total;
	}

	public List<OrderLine> getLines() {
		return this.lines;
	}

	public String getLoadedOnShard() {
		return this.loadedOnShard;
	}

}
