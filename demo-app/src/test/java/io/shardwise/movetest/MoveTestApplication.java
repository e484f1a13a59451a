package io.shardwise.movetest;

import io.shardwise.audit.ShardedTable;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The application the mover is tested with: customers placed by the hash strategy
 * {@code accounts}, with orders and order lines (parent, child, grandchild).
 */
@SpringBootApplication
public class MoveTestApplication {

	@Bean
	io.shardwise.autoconfigure.observation.ShardCallObserverPart readDelayPart(ReadDelay delay) {
		return delay.part();
	}

	@Bean
	ShardedTable customersTable() {
		return ShardedTable.keyedBy("customers", "id", "customer_key").withStrategy("accounts").withShardwiseIds();
	}

	@Bean
	ShardedTable ordersTable() {
		return ShardedTable.childOf("orders", "id", "customer_id", "customers").withShardwiseIds();
	}

	@Bean
	ShardedTable orderLinesTable() {
		return ShardedTable.childOf("order_lines", "id", "order_id", "orders").withShardwiseIds();
	}

}
