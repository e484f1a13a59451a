package io.shardwise.movetest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.shardwise.move.MovePhase;
import io.shardwise.move.MoveRefusedException;
import io.shardwise.move.MoveStatus;
import io.shardwise.move.MoveVerificationException;
import io.shardwise.move.ShardMover;
import io.shardwise.placement.Placement;
import io.shardwise.routing.Shard;
import io.shardwise.strategy.HashShardStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Crashes in every phase, a stale instance, bad input, a copy that does not match, a
 * 10,000-row bucket and the cost of the fence, on top of the live move.
 */
abstract class MoveScenarioTests extends LiveMoveTests {

	private static final List<Integer> MOVED = List.of(1, 2, 17, 18, 33, 34, 49, 50);

	@ParameterizedTest(name = "crash in {0}, then {1}")
	@CsvSource({ "COPY, 1, resume", "COPY, 1, cancel", "CATCH_UP, 0, resume", "VERIFY, 1, cancel",
			"CUTOVER, 3, resume", "CUTOVER, 3, cancel", "CLEANUP, 0, resume" })
	void crashInAPhaseThenRestartAndResumeOrCancel(MovePhase phase, int afterEvents, String then) throws Exception {
		List<String> urls = urls("crash" + phase.ordinal() + then.charAt(0));
		MoveWorkload workload;
		try (MoveTestInstance first = start(urls, 1, "1s", null)) {
			workload = new MoveWorkload(List.of(first), 8);
			workload.start();
			Thread.sleep(800);
			first.control().crashIn(phase, afterEvents);
			Throwable crash = catchThrowable(() -> first.mover().move(MOVED, "s4"));
			assertThat(crash).hasMessageContaining("Simulated crash of the mover in phase " + phase);
			// The application keeps running on the crashed move: every row still has one owner.
			Thread.sleep(300);
			workload.stop();
			assertThat(workload.errors).as("errors %s", workload.errorSample()).isEmpty();
			assertThat(first.mover().status()).get().extracting(MoveStatus::phase).isIn(phase, MovePhase.FAILED);
		}
		// The application restarts (with bucket-shards set to the stored map) and resumes or cancels.
		List<String> stored = MoveTestInstance.storedMap(urls.get(0), user(), password());
		try (MoveTestInstance second = start(urls, 1, "1s", stored)) {
			Optional<MoveStatus> recorded = second.mover().status();
			assertThat(recorded).get().satisfies((status) -> {
				assertThat(status.running()).isFalse();
				assertThat(status.buckets()).containsExactlyElementsOf(MOVED);
			});
			MoveWorkload resumed = new MoveWorkload(List.of(second), 8, workload);
			resumed.start();
			Thread.sleep(300);
			MoveStatus status = then.equals("resume") ? second.mover().resume() : second.mover().cancel();
			Thread.sleep(300);
			resumed.stop();
			assertThat(resumed.errors).as("errors %s", resumed.errorSample()).isEmpty();
			HashShardStrategy strategy = second.bean(Placement.class).strategy();
			if (then.equals("resume")) {
				assertThat(status.phase()).isEqualTo(MovePhase.DONE);
				MOVED.forEach((bucket) -> assertThat(strategy.shardOfBucket(bucket)).isEqualTo("s4"));
			}
			else {
				assertThat(status.phase()).isEqualTo(MovePhase.CANCELLED);
				// Buckets cut over before the crash stay on s4, the others are back home.
				MOVED.forEach((bucket) -> assertThat(strategy.shardOfBucket(bucket)).isIn("s4", "s" + (bucket / 16)));
				if (phase != MovePhase.CUTOVER) {
					MOVED.forEach((bucket) -> assertThat(strategy.shardOfBucket(bucket)).isEqualTo("s" + (bucket / 16)));
				}
			}
			assertThat(second.mover().status()).get().extracting(MoveStatus::running).isEqualTo(false);
			MoveChecks.assertIntact(second, resumed);
			for (Shard shard : second.shards().all()) {
				assertThat(new JdbcTemplate(shard.dataSource()).queryForObject("select count(*) from shardwise_change",
						Long.class))
					.as("captured changes left on %s", shard.id())
					.isZero();
			}
		}
	}

	@Test
	void aStaleInstanceNeverWritesToTheOldOwnerAfterTheCutover() throws Exception {
		List<String> urls = urls("stale");
		try (MoveTestInstance mover = start(urls, 1, "1s", null);
				MoveTestInstance stale = start(urls, 2, "1s", null);
				MoveTestInstance frozen = start(urls, 3, "0s", null)) {
			// Both instances write during the move; "stale" sees each switch up to a second
			// late (its refresh interval), or when its shard refuses a write.
			MoveWorkload workload = new MoveWorkload(List.of(mover, stale), 8);
			workload.start();
			Thread.sleep(800);
			MoveStatus status = mover.mover().move(MOVED, "s4");
			Thread.sleep(500);
			workload.stop();
			assertThat(status.phase()).isEqualTo(MovePhase.DONE);
			assertThat(workload.errors).as("errors %s", workload.errorSample()).isEmpty();
			System.out.printf("STALE INSTANCE [%s]: writes refused and retried %d, stale map version %d (current %d)%n",
					getClass().getSimpleName(), workload.refusedWrites.get(), stale.bean(Placement.class).version(),
					mover.bean(Placement.class).version());
			// "frozen" has routed nothing since the move: its map is the first one.
			Placement frozenPlacement = frozen.bean(Placement.class);
			assertThat(frozenPlacement.version()).isEqualTo(1);
			String key = keyInBucket(frozenPlacement.strategy(), 17);
			assertThat(frozenPlacement.strategy().shardFor(key)).isEqualTo("s1");
			long onOldOwner = MoveChecks.countOn(mover, "s1", "customers");
			Throwable refused = catchThrowable(() -> frozen.bean(CustomerRepository.class).save(new Customer(key, "late")));
			assertThat(MoveWorkload.isStale(refused)).as("%s", refused).isTrue();
			assertThat(MoveChecks.countOn(mover, "s1", "customers")).isEqualTo(onOldOwner);
			// The refusal reloaded the map: the retry lands on the bucket's new owner.
			assertThat(frozenPlacement.version()).isEqualTo(mover.bean(Placement.class).version());
			Customer saved = frozen.bean(CustomerRepository.class).save(new Customer(key, "late"));
			workload.customers.put(saved.getId(), "late");
			assertThat(new JdbcTemplate(mover.shards().get("s4").dataSource())
				.queryForObject("select count(*) from customers where id = ?", Long.class, saved.getId())).isOne();
			MoveChecks.assertIntact(mover, workload);
		}
	}

	/**
	 * The "lost customer" race: a read routed by the map before a bucket's cutover reaches
	 * the old shard only after the cleanup deleted the rows there (a thread stalled on a
	 * loaded machine, longer than the cleanup's grace). The read finds nothing, sees that
	 * the shard no longer holds the bucket, and reads again from the new owner.
	 */
	@Test
	void aReadRoutedBeforeTheCutoverThatArrivesAfterTheCleanupFindsTheRowOnTheNewOwner() throws Exception {
		List<String> urls = urls("lateread");
		try (MoveTestInstance instance = start(urls, 1, "1s", null)) {
			HashShardStrategy strategy = instance.bean(Placement.class).strategy();
			CustomerRepository customers = instance.bean(CustomerRepository.class);
			String key = keyInBucket(strategy, 5);
			Customer saved = customers.save(new Customer(key, "late reader"));
			ReadDelay delay = instance.bean(ReadDelay.class);
			java.util.concurrent.CountDownLatch held = delay.hold(
					java.util.Set.of("CrudRepository.findById", "CrudRepository.existsById", "CustomerRepository.findByKey"));
			CompletableFuture<Optional<Customer>> byId = CompletableFuture.supplyAsync(() -> customers.findById(saved.getId()));
			CompletableFuture<Boolean> exists = CompletableFuture.supplyAsync(() -> customers.existsById(saved.getId()));
			CompletableFuture<Optional<Customer>> byKey = CompletableFuture.supplyAsync(() -> customers.findByKey(key));
			try {
				assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
				// All three are routed to s0, the bucket's owner; now the bucket moves and is cleaned up.
				assertThat(instance.mover().move(List.of(5), "s4").phase()).isEqualTo(MovePhase.DONE);
			}
			finally {
				delay.release();
			}
			assertThat(new JdbcTemplate(instance.shards().get("s0").dataSource())
				.queryForObject("select count(*) from customers where id = ?", Long.class, saved.getId())).isZero();
			assertThat(byId.get(60, TimeUnit.SECONDS)).get().extracting(Customer::getName).isEqualTo("late reader");
			assertThat(exists.get(60, TimeUnit.SECONDS)).isTrue();
			assertThat(byKey.get(60, TimeUnit.SECONDS)).get().extracting(Customer::getId).isEqualTo(saved.getId());
			// A miss that stands: the owner holds the bucket, nothing to look for elsewhere.
			assertThat(customers.findByKey(keyInBucket(strategy, 6))).isEmpty();
		}
	}

	/**
	 * The fence checks the shard of the session that flushes: in a unit of work whose home
	 * shard is s0, a customer loaded from s1 is renamed and flushed at commit by s1's
	 * session, when the thread selects no shard (and the transaction's own shard is s0).
	 */
	@Test
	void theFenceChecksTheShardOfTheFlushingSessionAndRefusesASessionOfNoShard() throws Exception {
		try (MoveTestInstance instance = start(urls("session"), 1, "1s", null)) {
			HashShardStrategy strategy = instance.bean(Placement.class).strategy();
			CustomerRepository customers = instance.bean(CustomerRepository.class);
			Customer onS0 = customers.save(new Customer(keyInBucket(strategy, 3), "on s0"));
			Customer onS1 = customers.save(new Customer(keyInBucket(strategy, 20), "on s1"));
			JdbcTemplate s0 = new JdbcTemplate(instance.shards().get("s0").dataSource());
			JdbcTemplate s1 = new JdbcTemplate(instance.shards().get("s1").dataSource());
			org.springframework.transaction.support.TransactionTemplate transaction = new org.springframework.transaction.support.TransactionTemplate(
					instance.bean(org.springframework.transaction.PlatformTransactionManager.class));
			java.util.function.Consumer<String> renameInAUnitOfWork = (name) -> transaction.executeWithoutResult((status) -> {
				customers.findById(onS0.getId()).orElseThrow();
				customers.findById(onS1.getId()).orElseThrow().setName(name);
			});
			String nameOnS1 = "select name from customers where id = " + onS1.getId();
			String changesOfTheRow = "select count(*) from shardwise_change where bucket = 20 and row_id = " + onS1.getId();

			// Bucket 20 moving on s1: the write is captured in s1's change table.
			s1.update("update shardwise_bucket set state = 'MOVING' where bucket = 20");
			renameInAUnitOfWork.accept("renamed in a unit of work");
			assertThat(s1.queryForObject(nameOnS1, String.class)).isEqualTo("renamed in a unit of work");
			assertThat(s1.queryForObject(changesOfTheRow, Long.class)).isOne();
			assertThat(s0.queryForObject("select count(*) from shardwise_change", Long.class)).isZero();

			// Bucket 20 fenced on s1: the write is refused by s1, naming s1, and nothing changes.
			s1.update("update shardwise_bucket set state = 'FENCED' where bucket = 20");
			Throwable refused = catchThrowable(() -> renameInAUnitOfWork.accept("refused"));
			assertThat(MoveWorkload.isStale(refused)).as("%s", refused).isTrue();
			assertThat(refused).hasStackTraceContaining("Shard 's1' does not own bucket 20 (FENCED)");
			assertThat(s1.queryForObject(nameOnS1, String.class)).isEqualTo("renamed in a unit of work");
			assertThat(s1.queryForObject(changesOfTheRow, Long.class)).isOne();
			s1.update("update shardwise_bucket set state = 'OWNED' where bucket = 20");
			s1.update("delete from shardwise_change");

			// A session of no shard Shardwise knows (opened by hand, outside any transaction) is refused.
			org.hibernate.SessionFactory factory = instance.bean(jakarta.persistence.EntityManagerFactory.class)
				.unwrap(org.hibernate.SessionFactory.class);
			try (java.sql.Connection connection = instance.shards().get("s1").dataSource().getConnection();
					org.hibernate.Session session = factory.withOptions().connection(connection).openSession()) {
				session.getTransaction().begin();
				session.find(Customer.class, onS1.getId()).setName("unchecked");
				Throwable unchecked = catchThrowable(session::flush);
				session.getTransaction().rollback();
				assertThat(unchecked).hasStackTraceContaining("ShardRoutingException")
					.hasStackTraceContaining("Customer#" + onS1.getId())
					.hasStackTraceContaining("table customers")
					.hasStackTraceContaining("Nothing was written");
			}
			assertThat(s1.queryForObject(nameOnS1, String.class)).isEqualTo("renamed in a unit of work");
			assertThat(s1.queryForObject("select count(*) from shardwise_change", Long.class)).isZero();
		}
	}

	/**
	 * Bulk writes ({@code @Modifying} queries) are refused on a shard while buckets move
	 * there; where the database has shared row locks, one that runs keeps a move from
	 * starting on its shard until its transaction ends, so the move copies what it wrote.
	 */
	@Test
	void aBulkWriteIsRefusedOnAShardWhoseBucketsMoveAndHoldsOffAMoveWhileItRuns() throws Exception {
		try (MoveTestInstance instance = start(urls("bulk"), 1, "1s", null)) {
			HashShardStrategy strategy = instance.bean(Placement.class).strategy();
			CustomerRepository customers = instance.bean(CustomerRepository.class);
			String onS0 = keyInBucket(strategy, 3);
			String onS1 = keyInBucket(strategy, 20);
			Customer first = customers.save(new Customer(onS0, "first"));
			Customer second = customers.save(new Customer(onS1, "second"));
			assertThat(customers.renameByKey(onS1, "bulk 1")).isOne();
			JdbcTemplate s1 = new JdbcTemplate(instance.shards().get("s1").dataSource());

			java.util.concurrent.CountDownLatch held = instance.control().holdIn(MovePhase.CATCH_UP);
			CompletableFuture<MoveStatus> moving = CompletableFuture
				.supplyAsync(() -> instance.mover().move(List.of(20), "s4"));
			try {
				assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
				assertThatExceptionOfType(io.shardwise.placement.BulkWriteRefusedException.class)
					.isThrownBy(() -> customers.renameByKey(onS1, "lost in the move"))
					.withMessageContaining("CustomerRepository.renameByKey")
					.withMessageContaining("shard 's1'")
					.withMessageContaining("[20]")
					.satisfies((ex) -> assertThat(ex.getBuckets()).containsEntry(20, "MOVING"));
				assertThat(s1.queryForObject("select name from customers where id = ?", String.class, second.getId()))
					.isEqualTo("bulk 1");
				// Other shards take bulk writes as usual.
				assertThat(customers.renameByKey(onS0, "bulk 2")).isOne();
			}
			finally {
				instance.control().release();
			}
			assertThat(moving.get(60, TimeUnit.SECONDS).phase()).isEqualTo(MovePhase.DONE);
			assertThat(customers.renameByKey(onS1, "bulk 3")).isOne();
			assertThat(new JdbcTemplate(instance.shards().get("s4").dataSource())
				.queryForObject("select name from customers where id = ?", String.class, second.getId()))
				.isEqualTo("bulk 3");

			if (sharedRowLocks()) {
				// A bulk write in an open transaction: the move of its shard's bucket waits for it.
				org.springframework.transaction.support.TransactionTemplate transaction = new org.springframework.transaction.support.TransactionTemplate(
						instance.bean(org.springframework.transaction.PlatformTransactionManager.class));
				JdbcTemplate s0 = new JdbcTemplate(instance.shards().get("s0").dataSource());
				CompletableFuture<MoveStatus> waiting = transaction.execute((status) -> {
					assertThat(customers.renameByKey(onS0, "bulk in a transaction")).isOne();
					CompletableFuture<MoveStatus> move = CompletableFuture
						.supplyAsync(() -> instance.mover().move(List.of(3), "s4"));
					try {
						Thread.sleep(500);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					assertThat(s0.queryForObject("select state from shardwise_bucket where bucket = 3", String.class))
						.isEqualTo("OWNED");
					return move;
				});
				assertThat(waiting.get(60, TimeUnit.SECONDS).phase()).isEqualTo(MovePhase.DONE);
				assertThat(customers.findById(first.getId())).get()
					.extracting(Customer::getName)
					.isEqualTo("bulk in a transaction");
			}
		}
	}

	/** Whether the shards' database has shared row locks (a bulk write then holds off moves). */
	boolean sharedRowLocks() {
		return false;
	}

	@Test
	void badInputGetsASpecificErrorAndMovesNothing() throws Exception {
		List<String> urls = urls("bad");
		try (MoveTestInstance instance = start(urls, 1, "1s", null);
				MoveTestInstance other = start(urls, 2, "1s", null)) {
			ShardMover mover = instance.mover();
			assertRefused(() -> mover.move(List.of(1), "s9"), MoveRefusedException.Reason.UNKNOWN_SHARD, "'s9'");
			assertRefused(() -> mover.move(List.of(64), "s4"), MoveRefusedException.Reason.UNKNOWN_BUCKET, "0 and 63");
			assertRefused(() -> mover.move(List.of(-1), "s4"), MoveRefusedException.Reason.UNKNOWN_BUCKET, "0 and 63");
			assertRefused(() -> mover.move(List.of(), "s4"), MoveRefusedException.Reason.UNKNOWN_BUCKET, "0 and 63");
			assertRefused(() -> mover.move(List.of(0, 20), "s0"), MoveRefusedException.Reason.ALREADY_ON_TARGET, "[0]");
			assertRefused(mover::resume, MoveRefusedException.Reason.NO_MOVE, "No move");
			assertRefused(mover::cancel, MoveRefusedException.Reason.NO_MOVE, "No move");
			// A move held in its copy phase: the same bucket, or any other move, from this
			// instance or another, is refused.
			java.util.concurrent.CountDownLatch held = instance.control().holdIn(MovePhase.CATCH_UP);
			CompletableFuture<MoveStatus> running = CompletableFuture.supplyAsync(() -> mover.move(List.of(1, 2), "s4"));
			assertThat(held.await(60, TimeUnit.SECONDS)).isTrue();
			assertRefused(() -> mover.move(List.of(2, 3), "s4"), MoveRefusedException.Reason.BUCKET_ALREADY_MOVING, "[2]");
			assertRefused(() -> other.mover().move(List.of(2), "s4"), MoveRefusedException.Reason.BUCKET_ALREADY_MOVING,
					"[2]");
			assertRefused(() -> other.mover().move(List.of(40), "s4"), MoveRefusedException.Reason.MOVE_IN_PROGRESS,
					"one move at a time");
			assertRefused(() -> mover.start(List.of(40), "s3"), MoveRefusedException.Reason.MOVE_IN_PROGRESS,
					"one move at a time");
			assertThat(instance.bean(Placement.class).version()).isEqualTo(1);
			instance.control().release();
			assertThat(running.get(60, TimeUnit.SECONDS).phase()).isEqualTo(MovePhase.DONE);
			// Only the held move moved anything.
			Placement placement = instance.bean(Placement.class);
			assertThat(placement.version()).isEqualTo(3);
			assertThat(placement.strategy().shardOfBucket(3)).isEqualTo("s0");
			assertThat(placement.strategy().shardOfBucket(40)).isEqualTo("s2");
		}
	}

	@Test
	void aCopyThatDiffersFromItsSourceIsNotCutOverAndIsReported() throws Exception {
		List<String> urls = urls("mismatch");
		try (MoveTestInstance instance = start(urls, 1, "1s", null)) {
			MoveWorkload workload = new MoveWorkload(List.of(instance), 2);
			workload.start();
			Thread.sleep(1000);
			workload.stop();
			Long victim = workload.customers.keySet()
				.stream()
				.filter((id) -> MOVED.contains(instance.bean(Placement.class).strategy().bucketOf(
						instance.bean(CustomerRepository.class).findById(id).orElseThrow().getKey())))
				.findFirst()
				.orElseThrow();
			// Corrupt the copy behind the mover's back, as a lost write would.
			instance.control().runIn(MovePhase.VERIFY, (status) -> new JdbcTemplate(
					instance.shards().get("s4").dataSource())
				.update("update shardwise_mv_customers set name = 'corrupted' where id = ?", victim));
			assertThatExceptionOfType(MoveVerificationException.class)
				.isThrownBy(() -> instance.mover().move(MOVED, "s4"))
				.satisfies((ex) -> assertThat(ex.getMismatches()).anyMatch(
						(row) -> row.startsWith("customers[" + victim + "]: differs")))
				.withMessageContaining("refusing to cut over");
			assertThat(instance.bean(Placement.class).version()).isEqualTo(1);
			assertThat(instance.mover().status()).get()
				.satisfies((status) -> assertThat(status.mismatches()).isNotEmpty());
			assertThat(instance.mover().cancel().phase()).isEqualTo(MovePhase.CANCELLED);
			MoveChecks.assertIntact(instance, workload);
			assertThat(MoveChecks.countOn(instance, "s4", "customers")).isZero();
		}
	}

	@Test
	void aBucketOfTenThousandRowsCutsOverWithAShortWritePause() throws Exception {
		List<String> urls = urls("big");
		try (MoveTestInstance instance = start(urls, 1, "1s", null)) {
			HashShardStrategy strategy = instance.bean(Placement.class).strategy();
			CustomerRepository customers = instance.bean(CustomerRepository.class);
			int bucket = 5;
			MoveWorkload workload = new MoveWorkload(List.of(instance), 0);
			List<Customer> batch = new ArrayList<>();
			int created = 0;
			for (int i = 0; created < 1000; i++) {
				String key = "big-" + i;
				if (strategy.bucketOf(key) != bucket) {
					continue;
				}
				Customer customer = new Customer(key, "customer " + key);
				PurchaseOrder order = customer.addOrder(i);
				for (int line = 0; line < 8; line++) {
					order.addLine("sku-" + line, line);
				}
				batch.add(customer);
				created++;
				if (batch.size() == 100) {
					record(workload, customers.saveAll(batch));
					batch.clear();
				}
			}
			long rows = MoveChecks.count(instance, "customers") + MoveChecks.count(instance, "orders")
					+ MoveChecks.count(instance, "order_lines");
			assertThat(rows).isEqualTo(10_000);
			// Two writers keep writing to that very bucket during the move.
			BucketWriters writers = new BucketWriters(instance, bucket, workload).startWriting();
			MoveStatus status = instance.mover().move(List.of(bucket), "s4");
			writers.stopWriting();
			System.out.printf("10,000-ROW BUCKET [%s]: write pause of the cutover %.1f ms (fence to switch), "
					+ "longest write of the bucket's writers %d ms (incl. retries), %d writes refused and retried%n",
					getClass().getSimpleName(), status.maxPauseMillis(), writers.maxWriteNanos.get() / 1_000_000,
					writers.refusedWrites.get());
			assertThat(status.phase()).isEqualTo(MovePhase.DONE);
			assertThat(writers.errors).as("errors %s", writers.errorSample()).isEmpty();
			assertThat(MoveChecks.countOn(instance, "s4", "order_lines")).isGreaterThanOrEqualTo(8000);
			MoveChecks.assertIntact(instance, workload);
		}
	}

	@Test
	void theFenceCostsOneIndexedLockingReadPerWriteTransaction() throws Exception {
		int writes = 50;
		int rounds = 30;
		double[] fencedRounds = new double[rounds];
		double[] plainRounds = new double[rounds];
		try (MoveTestInstance fenced = start(urls("fenced"), 1, "1s", null);
				MoveTestInstance plain = start(urls("plain"), 1, null, null)) {
			timeWrites(fenced, "warm", 500);
			timeWrites(plain, "warm", 500);
			// Alternate short rounds and take the medians, so that both sides see the same
			// JIT and the load spikes of a shared machine fall out.
			for (int round = 0; round < rounds; round++) {
				fencedRounds[round] = timeWrites(fenced, "round" + round, writes) / 1000.0 / writes;
				plainRounds[round] = timeWrites(plain, "round" + round, writes) / 1000.0 / writes;
			}
			assertThat(plain.context().getBeansOfType(Placement.class)).isEmpty();
			fenceStatementCost(fenced);
			missCost(fenced);
		}
		java.util.Arrays.sort(fencedRounds);
		java.util.Arrays.sort(plainRounds);
		double fenced = fencedRounds[rounds / 2];
		double plain = plainRounds[rounds / 2];
		System.out.printf("FENCE COST [%s]: median %.1f us per routed write (save of a new customer) with the fence, "
				+ "%.1f us without: %.1f us (%.0f%%) per write transaction%n", getClass().getSimpleName(), fenced, plain,
				fenced - plain, 100 * (fenced - plain) / plain);
	}

	/**
	 * The fence's own work, without Hibernate around it: a write transaction that runs
	 * the fence's check of a bucket its shard owns, against one that does not.
	 */
	private void fenceStatementCost(MoveTestInstance instance) throws Exception {
		io.shardwise.placement.BucketFence fence = instance.bean(io.shardwise.placement.BucketFence.class);
		Shard shard = instance.shards().get("s0");
		int iterations = 2000;
		long[] nanos = new long[2];
		try (java.sql.Connection connection = shard.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			for (int pass = 0; pass < 3; pass++) {
				for (int side = 0; side < 2; side++) {
					long start = System.nanoTime();
					for (int i = 0; i < iterations; i++) {
						if (side == 0) {
							fence.beforeWrite(connection, shard, 3, "customers", (long) i);
						}
						connection.commit();
					}
					if (pass > 0) {
						nanos[side] += System.nanoTime() - start;
					}
				}
			}
		}
		double with = nanos[0] / 1000.0 / (2 * iterations);
		double without = nanos[1] / 1000.0 / (2 * iterations);
		System.out.printf("FENCE STATEMENT [%s]: %.1f us per transaction with the fence's check, %.1f us without: "
				+ "%.1f us per write transaction%n", getClass().getSimpleName(), with, without, with - without);
	}

	/**
	 * What a keyed read that finds nothing pays for the check that its shard still holds
	 * the bucket: {@code findById} of ids nobody saved, against the check alone.
	 */
	private void missCost(MoveTestInstance instance) {
		CustomerRepository customers = instance.bean(CustomerRepository.class);
		io.shardwise.routing.ShardRouter router = instance.bean(io.shardwise.routing.ShardRouter.class);
		Shard shard = instance.shards().get("s0");
		int rounds = 30;
		int reads = 50;
		double[] missRounds = new double[rounds];
		double[] checkRounds = new double[rounds];
		for (int round = -5; round < rounds; round++) {
			long start = System.nanoTime();
			for (int i = 0; i < reads; i++) {
				assertThat(customers.findById(shard.ids().next(0, 3))).isEmpty();
			}
			long misses = System.nanoTime() - start;
			start = System.nanoTime();
			for (int i = 0; i < reads; i++) {
				assertThat(router.shardAfterMiss(shard, 3)).isNull();
			}
			long checks = System.nanoTime() - start;
			if (round >= 0) {
				missRounds[round] = misses / 1000.0 / reads;
				checkRounds[round] = checks / 1000.0 / reads;
			}
		}
		java.util.Arrays.sort(missRounds);
		java.util.Arrays.sort(checkRounds);
		double miss = missRounds[rounds / 2];
		double check = checkRounds[rounds / 2];
		System.out.printf("MISS COST [%s]: median %.1f us per findById that finds nothing, of which %.1f us is the "
				+ "check that its shard still holds the bucket (+%.0f%% over the read alone); reads that find a row "
				+ "do not check%n", getClass().getSimpleName(), miss, check, 100 * check / (miss - check));
	}

	private static long timeWrites(MoveTestInstance instance, String prefix, int writes) {
		CustomerRepository customers = instance.bean(CustomerRepository.class);
		long start = System.nanoTime();
		for (int i = 0; i < writes; i++) {
			customers.save(new Customer(prefix + "-" + i, "timed"));
		}
		return System.nanoTime() - start;
	}

	private static void record(MoveWorkload workload, List<Customer> saved) {
		for (Customer customer : saved) {
			workload.customers.put(customer.getId(), customer.getName());
			for (PurchaseOrder order : customer.getOrders()) {
				workload.orders.put(order.getId(), order.getLines().stream().map(OrderLine::getId).toList());
			}
		}
	}

	static String keyInBucket(HashShardStrategy strategy, int bucket) {
		for (int i = 0;; i++) {
			String key = "probe-" + bucket + "-" + i;
			if (strategy.bucketOf(key) == bucket) {
				return key;
			}
		}
	}

	private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
			MoveRefusedException.Reason reason, String message) {
		assertThatExceptionOfType(MoveRefusedException.class).isThrownBy(call)
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(reason))
			.withMessageContaining(message);
	}

	/**
	 * Two threads that add orders to customers of one bucket.
	 */
	private static final class BucketWriters extends MoveWorkload {

		private final MoveTestInstance instance;

		private final MoveWorkload expected;

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean stop;

		BucketWriters(MoveTestInstance instance, int bucket, MoveWorkload expected) {
			super(List.of(instance), 0);
			this.instance = instance;
			this.expected = expected;
		}

		BucketWriters startWriting() {
			List<Long> ids = new ArrayList<>(this.expected.customers.keySet());
			for (int t = 0; t < 2; t++) {
				Thread thread = new Thread(() -> {
					PurchaseOrderRepository orders = this.instance.bean(PurchaseOrderRepository.class);
					CustomerRepository customers = this.instance.bean(CustomerRepository.class);
					java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
					while (!this.stop) {
						Long id = ids.get(random.nextInt(ids.size()));
						try {
							PurchaseOrder saved = writeRetrying(() -> {
								Customer customer = customers.findById(id).orElseThrow();
								PurchaseOrder order = new PurchaseOrder(customer, 1);
								order.addLine("live", 1);
								return orders.save(order);
							});
							this.expected.orders.put(saved.getId(), saved.getLines().stream().map(OrderLine::getId).toList());
						}
						catch (RuntimeException ex) {
							this.errors.add(describe(ex));
						}
					}
				});
				thread.start();
				this.threads.add(thread);
			}
			return this;
		}

		void stopWriting() throws InterruptedException {
			this.stop = true;
			for (Thread thread : this.threads) {
				thread.join(60_000);
			}
		}

	}

}
