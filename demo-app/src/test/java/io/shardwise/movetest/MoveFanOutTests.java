package io.shardwise.movetest;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.shardwise.id.ShardIds;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import io.shardwise.move.MovePhase;
import io.shardwise.move.MoveStatus;
import io.shardwise.placement.Placement;
import io.shardwise.routing.InexactFanOutException;
import org.junit.jupiter.api.Test;

import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Unkeyed fan-outs while a move's buckets are in the real tables of two shards (between
 * their cutover and the cleanup of their old shards): lists of entities keep one copy of
 * every row, and what cannot be filtered per row (counts, pages, SQL) is refused with an
 * {@link InexactFanOutException}, on the instance that moves and on another one. Counted
 * with plain JDBC on each shard.
 */
abstract class MoveFanOutTests {

	private static final List<Integer> MOVED = List.of(1, 2, 17, 18, 33, 34, 49, 50);

	private static final int CUSTOMERS = 120;

	/** The databases of the mover tests, whose shard URLs and credentials these tests use too. */
	abstract LiveMoveTests databases();

	@Test
	void fanOutsBetweenTheCutoverAndTheCleanupSeeEveryRowOnceOrRefuse() throws Exception {
		LiveMoveTests databases = databases();
		List<String> urls = databases.urls("fanout");
		try (MoveTestInstance mover = databases.start(urls, 1, "1s", null);
				MoveTestInstance other = databases.start(urls, 2, "1s", null)) {
			for (int i = 0; i < CUSTOMERS; i++) {
				Customer customer = new Customer("fan-" + i, "name-" + i);
				customer.addOrder(i).addLine("sku", 1);
				repository(mover).save(customer);
			}
			// A row from before the placement: its id names shard s1, not its bucket, which moves.
			String legacyKey = MoveScenarioTests.keyInBucket(mover.bean(Placement.class).strategy(), 17);
			long legacyId = new ShardIds(MoveTestInstance.SHARDS.size(), 63).next(1);
			new JdbcTemplate(mover.shards().get("s1").dataSource()).update(
					"insert into customers (id, customer_key, name) values (?, ?, ?)", legacyId, legacyKey, "legacy");
			int customers = CUSTOMERS + 1;
			assertThat(rowsInAllShards(mover, "customers")).isEqualTo(customers);
			CountDownLatch held = mover.control().holdIn(MovePhase.CLEANUP);
			CompletableFuture<MoveStatus> move = CompletableFuture.supplyAsync(() -> mover.mover().move(MOVED, "s4"));
			try {
				assertThat(held.await(120, TimeUnit.SECONDS)).as("the move reached its cleanup").isTrue();
				long copies = rowsInAllShards(mover, "customers") - customers;
				assertThat(copies).as("rows of the moved buckets on both their old shards and s4").isPositive();
				assertThat(MoveChecks.countOn(mover, "s1", "customers where id = " + legacyId)).isOne();
				assertThat(MoveChecks.countOn(mover, "s4", "customers")).isEqualTo(copies);
				for (MoveTestInstance instance : List.of(mover, other)) {
					CustomerRepository repository = instance.bean(CustomerRepository.class);
					List<Customer> all = repository.findAll();
					Set<Long> ids = new HashSet<>();
					all.forEach((customer) -> ids.add(customer.getId()));
					assertThat(all).as("customers found by findAll on instance %s", instance).hasSize(customers);
					assertThat(ids).hasSize(customers);
					assertThat(repository.findById(legacyId)).get().extracting(Customer::getName).isEqualTo("legacy");
					// Orders are placed through their LAZY customer: filtered by its id's bucket.
					assertThat(instance.bean(PurchaseOrderRepository.class).findAll()).hasSize(CUSTOMERS);
					assertThat(catchThrowable(repository::count)).isInstanceOf(InexactFanOutException.class)
						.hasMessageContaining("count")
						.hasMessageContaining("of shard 's1'")
						.hasMessageContaining("[17, 18]");
					assertThat(catchThrowable(() -> repository.findAll(PageRequest.of(0, 10))))
						.isInstanceOf(InexactFanOutException.class);
					ShardedJdbcTemplate sql = instance.bean(ShardedJdbcTemplate.class);
					assertThat(catchThrowable(() -> sql.onAllShards().query("select id from customers",
							(rs, row) -> rs.getLong(1))))
						.isInstanceOf(InexactFanOutException.class)
						.hasMessageContaining("select id from customers");
					// A statement over no placed table is not guarded.
					assertThat(sql.onAllShards().query("select 1", (rs, row) -> rs.getInt(1))).hasSize(5);
				}
			}
			finally {
				mover.control().release();
			}
			assertThat(move.get(120, TimeUnit.SECONDS).phase()).isEqualTo(MovePhase.DONE);
			assertThat(rowsInAllShards(mover, "customers")).isEqualTo(customers);
			assertThat(MoveChecks.countOn(mover, "s4", "customers where id = " + legacyId)).isOne();
			assertThat(repository(mover).count()).isEqualTo(customers);
			// Found by its id of the shard layout on every instance, though it left s1.
			for (MoveTestInstance instance : List.of(mover, other)) {
				assertThat(repository(instance).findById(legacyId)).get().extracting(Customer::getName).isEqualTo("legacy");
				assertThat(repository(instance).existsById(legacyId)).isTrue();
				assertThat(repository(instance).findAllById(List.of(legacyId))).hasSize(1);
			}
			// The other instance refuses until its next refresh shows the move has ended.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			Long counted = null;
			while (counted == null) {
				try {
					counted = other.bean(CustomerRepository.class).count();
				}
				catch (InexactFanOutException ex) {
					assertThat(System.nanoTime()).as("still refused: %s", ex.getMessage()).isLessThan(deadline);
					Thread.sleep(100);
				}
			}
			assertThat(counted).isEqualTo(customers);
		}
	}

	@Test
	void aWriteThroughALazyParentWhoseIdNamesNoBucketIsCapturedByTheMove() throws Exception {
		LiveMoveTests databases = databases();
		List<String> urls = databases.urls("lazylegacy");
		try (MoveTestInstance mover = databases.start(urls, 1, "1s", null)) {
			// A customer from before the placement (its id names shard s1), in bucket 17.
			String key = MoveScenarioTests.keyInBucket(mover.bean(Placement.class).strategy(), 17);
			long legacyId = new ShardIds(MoveTestInstance.SHARDS.size(), 63).next(1);
			new JdbcTemplate(mover.shards().get("s1").dataSource()).update(
					"insert into customers (id, customer_key, name) values (?, ?, ?)", legacyId, key, "legacy");
			CountDownLatch held = mover.control().holdIn(MovePhase.CATCH_UP);
			CompletableFuture<MoveStatus> move = CompletableFuture.supplyAsync(() -> mover.mover().move(MOVED, "s4"));
			Long orderId;
			try {
				assertThat(held.await(120, TimeUnit.SECONDS)).as("the move reached its catch-up").isTrue();
				// Copied already; an order written now must be captured to reach s4. Its key is
				// a lazy reference whose id names no bucket: the fence loads it to find one.
				orderId = new TransactionTemplate(mover.bean(PlatformTransactionManager.class)).execute((status) -> {
					Customer reference = repository(mover).getReferenceById(legacyId);
					return mover.bean(PurchaseOrderRepository.class).save(new PurchaseOrder(reference, 7)).getId();
				});
				assertThat(MoveChecks.countOn(mover, "s1", "orders where id = " + orderId)).isOne();
				assertThat(MoveChecks.countOn(mover, "s1", "shardwise_change where row_id = " + orderId)).isOne();
			}
			finally {
				mover.control().release();
			}
			assertThat(move.get(120, TimeUnit.SECONDS).phase()).isEqualTo(MovePhase.DONE);
			assertThat(MoveChecks.countOn(mover, "s4", "orders where id = " + orderId)).isOne();
			assertThat(MoveChecks.countOn(mover, "s1", "orders where id = " + orderId)).isZero();
			assertThat(MoveChecks.countOn(mover, "s4", "customers where id = " + legacyId)).isOne();
		}
	}

	private static CustomerRepository repository(MoveTestInstance instance) {
		return instance.bean(CustomerRepository.class);
	}

	private static long rowsInAllShards(MoveTestInstance instance, String table) {
		return MoveTestInstance.SHARDS.stream().mapToLong((shard) -> MoveChecks.countOn(instance, shard, table)).sum();
	}

}
