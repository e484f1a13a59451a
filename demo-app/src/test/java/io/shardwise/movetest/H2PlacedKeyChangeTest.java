package io.shardwise.movetest;

import java.util.List;
import java.util.UUID;

import io.shardwise.placement.Placement;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.strategy.HashShardStrategy;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * With a durable placement, a customer's id names its bucket: a key changed to another
 * bucket is refused at flush even when both buckets are on the same shard (the row moves
 * with its key's bucket, lookups by id go to the owner of the id's), while a new key of the
 * same bucket is written. Read with plain JDBC from the shard's H2 database.
 */
class H2PlacedKeyChangeTest {

	@Test
	void aKeyChangedToAnotherBucketOfTheSameShardIsRefused() {
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> urls = MoveTestInstance.SHARDS.stream()
			.map((shard) -> "jdbc:h2:mem:keychange-" + run + "-" + shard + ";DB_CLOSE_DELAY=-1")
			.toList();
		try (MoveTestInstance instance = MoveTestInstance.start(urls, null, null, 1, "1s", null)) {
			HashShardStrategy strategy = instance.bean(Placement.class).strategy();
			CustomerRepository customers = instance.bean(CustomerRepository.class);
			TransactionTemplate transaction = new TransactionTemplate(
					instance.bean(PlatformTransactionManager.class));
			JdbcTemplate s0 = new JdbcTemplate(instance.shards().get("s0").dataSource());
			// Buckets 0-15 are on s0.
			String key = keyInBucket(strategy, 3, 0);
			Customer customer = customers.save(new Customer(key, "placed"));
			Throwable thrown = catchThrowable(() -> transaction.executeWithoutResult((status) -> customers
				.findById(customer.getId())
				.orElseThrow()
				.setKey(keyInBucket(strategy, 5, 0))));
			assertThat(thrown).isInstanceOf(ShardRoutingException.class)
				.hasMessageContaining("Customer#" + customer.getId())
				.hasMessageContaining("now maps to bucket 5, but its Shardwise id names bucket 3")
				.hasMessageContaining("shard 's0'");
			assertThat(s0.queryForObject("select customer_key from customers where id = ?", String.class,
					customer.getId()))
				.isEqualTo(key);

			String sameBucket = keyInBucket(strategy, 3, 1);
			transaction.executeWithoutResult(
					(status) -> customers.findById(customer.getId()).orElseThrow().setKey(sameBucket));
			assertThat(s0.queryForObject("select customer_key from customers where id = ?", String.class,
					customer.getId()))
				.isEqualTo(sameBucket);
		}
	}

	/** The n-th key (from 0) of a bucket. */
	private static String keyInBucket(HashShardStrategy strategy, int bucket, int n) {
		for (int i = 0, found = 0;; i++) {
			String key = "key-" + bucket + "-" + i;
			if (strategy.bucketOf(key) == bucket && found++ == n) {
				return key;
			}
		}
	}

}
