package io.shardwise.movetest;

import java.util.List;
import java.util.Map;

import io.shardwise.audit.ConsistencyReport;
import io.shardwise.audit.ShardConsistencyChecker;
import io.shardwise.routing.Shard;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guarantees a move must keep, checked with plain JDBC inside each shard, the
 * consistency checker and {@code findById}.
 */
final class MoveChecks {

	private MoveChecks() {
	}

	static long count(MoveTestInstance instance, String table) {
		long total = 0;
		for (Shard shard : instance.shards().all()) {
			total += new JdbcTemplate(shard.dataSource()).queryForObject("select count(*) from " + table, Long.class);
		}
		return total;
	}

	static long countOn(MoveTestInstance instance, String shard, String table) {
		return new JdbcTemplate(instance.shards().get(shard).dataSource())
			.queryForObject("select count(*) from " + table, Long.class);
	}

	/**
	 * Check that every acknowledged write is there exactly once, on its bucket's owner,
	 * and found by id.
	 */
	static ConsistencyReport assertIntact(MoveTestInstance instance, MoveWorkload workload) {
		ConsistencyReport report = instance.bean(ShardConsistencyChecker.class).check(instance.mover().tables());
		assertThat(report.isConsistent()).as(report.toString()).isTrue();
		long lines = workload.orders.values().stream().mapToLong(List::size).sum();
		assertThat(count(instance, "customers")).as("customers (0 lost, 0 duplicates)").isEqualTo(workload.customers.size());
		assertThat(count(instance, "orders")).as("orders (0 lost, 0 duplicates)").isEqualTo(workload.orders.size());
		assertThat(count(instance, "order_lines")).as("order lines (0 lost, 0 duplicates)").isEqualTo(lines);
		assertThat(report.getRowCount("customers")).isEqualTo(workload.customers.size());
		CustomerRepository customers = instance.bean(CustomerRepository.class);
		for (Map.Entry<Long, String> customer : workload.customers.entrySet()) {
			assertThat(customers.findById(customer.getKey())).as("customer %d", customer.getKey())
				.hasValueSatisfying((found) -> assertThat(found.getName()).isEqualTo(customer.getValue()));
		}
		PurchaseOrderRepository orders = instance.bean(PurchaseOrderRepository.class);
		for (Long order : workload.orders.keySet()) {
			assertThat(orders.existsById(order)).as("order %d", order).isTrue();
		}
		for (Shard shard : instance.shards().all()) {
			assertThat(new JdbcTemplate(shard.dataSource()).queryForList(
					"select table_name from information_schema.tables where lower(table_name) like 'shardwise_mv_%'",
					String.class))
				.as("shadow tables left on %s", shard.id())
				.isEmpty();
		}
		return report;
	}

}
