package io.shardwise.movetest;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import io.shardwise.placement.Placement;
import io.shardwise.strategy.HashShardStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The mover on five in-memory H2 shards.
 */
class H2MoveTest extends MoveScenarioTests {

	@Override
	List<String> urls(String name) {
		String run = UUID.randomUUID().toString().substring(0, 8);
		return MoveTestInstance.SHARDS.stream()
			.map((shard) -> "jdbc:h2:mem:move-" + name + "-" + run + "-" + shard + ";DB_CLOSE_DELAY=-1")
			.toList();
	}

	/**
	 * A write whose bucket's ownership row stays locked past the database's lock timeout
	 * (as a cutover longer than it holds the row) is refused as stale, a transient
	 * failure to retry, with nothing written; once the lock is gone the write goes through.
	 */
	@Test
	void aWriteWaitingForItsBucketPastTheLockTimeoutIsRefusedAsStale() throws Exception {
		List<String> urls = urls("locked").stream().map((url) -> url + ";LOCK_TIMEOUT=300").toList();
		try (MoveTestInstance instance = start(urls, 1, "1s", null)) {
			HashShardStrategy strategy = instance.bean(Placement.class).strategy();
			Customer customer = instance.bean(CustomerRepository.class)
				.save(new Customer(keyInBucket(strategy, 20), "locked"));
			PurchaseOrderRepository orders = instance.bean(PurchaseOrderRepository.class);
			try (Connection cutover = instance.shards().get("s1").dataSource().getConnection();
					Statement lock = cutover.createStatement()) {
				cutover.setAutoCommit(false);
				lock.executeQuery("select state from shardwise_bucket where bucket = 20 for update").close();
				Throwable refused = catchThrowable(() -> orders.save(new PurchaseOrder(customer, 1)));
				assertThat(MoveWorkload.isStale(refused)).as("%s", refused).isTrue();
				assertThat(refused).hasStackTraceContaining("Shard 's1' does not own bucket 20 (its ownership row "
						+ "stayed locked past the database's lock timeout");
				cutover.rollback();
			}
			assertThat(MoveChecks.countOn(instance, "s1", "orders")).isZero();
			orders.save(new PurchaseOrder(customer, 1));
			assertThat(MoveChecks.countOn(instance, "s1", "orders")).isOne();
		}
	}

}
