package io.shardwise.shop;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardwiseId;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "customers")
public class Customer {

	@Id
	@ShardwiseId
	private Long id;

	@ShardKey
	private String number;

	private String name;

	protected Customer() {
	}

	public Customer(String number, String name) {
		this.number = number;
		this.name = name;
	}

	public Long getId() {
		return this.id;
	}

	public String getNumber() {
		return this.number;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

}
