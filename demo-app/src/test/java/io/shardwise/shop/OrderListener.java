package io.shardwise.shop;

import io.shardwise.ShardTemplate;
import jakarta.persistence.PostLoad;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A JPA entity listener that is a Spring bean (Boot lets Hibernate take listeners from
 * the context) and asks Shardwise where the order it sees loaded came from.
 */
@Component
public class OrderListener {

	private final ObjectProvider<ShardTemplate> shardTemplate;

	public OrderListener(ObjectProvider<ShardTemplate> shardTemplate) {
		this.shardTemplate = shardTemplate;
	}

	@PostLoad
	void loaded(Order order) {
		order.loadedOn(this.shardTemplate.getObject().shardOf(order));
	}

}
