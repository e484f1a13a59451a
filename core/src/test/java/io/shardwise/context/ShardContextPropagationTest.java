package io.shardwise.context;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRoutingDataSource;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The shard selection carried to another thread by {@link ShardContextTaskDecorator} and
 * by context-propagation through {@link ShardContextThreadLocalAccessor}, on real H2
 * shards, on a single pooled worker thread so that the next task runs where the last one
 * ran.
 */
class ShardContextPropagationTest {

	private H2Shards h2;

	private Shard a;

	private Shard b;

	private JdbcTemplate jdbc;

	private DataSourceTransactionManager transactionManager;

	private ExecutorService worker;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b");
		this.h2.executeOnEach("create table t(id int)");
		this.a = this.h2.shard("a");
		this.b = this.h2.shard("b");
		LazyConnectionDataSourceProxy dataSource = new LazyConnectionDataSourceProxy(
				new ShardRoutingDataSource(this.h2.shards()));
		dataSource.setDefaultAutoCommit(true);
		dataSource.setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactionManager = new DataSourceTransactionManager(dataSource);
		this.worker = Executors.newSingleThreadExecutor();
	}

	@AfterEach
	void tearDown() throws Exception {
		this.worker.shutdownNow();
		assertThat(this.worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(ShardContext.currentShard()).isNull();
		this.h2.close();
	}

	@Test
	void decoratedTaskRunsOnTheCallersShardAndLeavesThePooledThreadWithout() throws Throwable {
		TaskExecutorAdapter executor = new TaskExecutorAdapter(this.worker);
		executor.setTaskDecorator(new ShardContextTaskDecorator());
		CountDownLatch routedCallReturned = new CountDownLatch(1);
		CompletableFuture<String> outliving = ShardContext.callOn(this.b,
				() -> CompletableFuture.supplyAsync(() -> {
					await(routedCallReturned);
					this.jdbc.update("insert into t values (1)");
					return ShardContext.currentShardId();
				}, executor));
		// The routed call has returned and restored its thread; the work goes on with its shard.
		assertThat(ShardContext.currentShard()).isNull();
		routedCallReturned.countDown();
		assertThat(outliving.get(10, TimeUnit.SECONDS)).isEqualTo("b");
		assertThat(rows(this.b)).containsExactly(1);
		assertThat(rows(this.a)).isEmpty();
		assertUnrelatedWorkRunsWithoutShard(this.worker::submit);
	}

	@Test
	void contextPropagationCarriesTheShardThroughSpringsDecorator() throws Throwable {
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors())
			.anyMatch(ShardContextThreadLocalAccessor.class::isInstance);
		TaskExecutorAdapter executor = new TaskExecutorAdapter(this.worker);
		executor.setTaskDecorator(new ContextPropagatingTaskDecorator());
		CompletableFuture<String> future = ShardContext.callOn(this.a, () -> CompletableFuture.supplyAsync(() -> {
			this.jdbc.update("insert into t values (2)");
			return ShardContext.currentShardId();
		}, executor));
		assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("a");
		assertThat(rows(this.a)).containsExactly(2);
		assertThat(rows(this.b)).isEmpty();
		assertUnrelatedWorkRunsWithoutShard(this.worker::submit);
	}

	@Test
	void contextExecutorServiceCarriesTheShard() throws Throwable {
		ExecutorService executor = ContextExecutorService.wrap(this.worker,
				() -> ContextSnapshotFactory.builder().build().captureAll());
		String shard = ShardContext.callOn(this.b, () -> executor.submit(ShardContext::currentShardId))
			.get(10, TimeUnit.SECONDS);
		assertThat(shard).isEqualTo("b");
		assertUnrelatedWorkRunsWithoutShard(this.worker::submit);
	}

	@Test
	void workOnAnotherThreadNeverJoinsTheCallersTransaction() throws Throwable {
		TaskExecutorAdapter executor = new TaskExecutorAdapter(this.worker);
		executor.setTaskDecorator(new ShardContextTaskDecorator());
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> ShardContext.callOn(this.a,
				() -> tx.execute((status) -> {
					this.jdbc.update("insert into t values (1)");
					CompletableFuture.runAsync(() -> this.jdbc.update("insert into t values (2)"), executor).join();
					throw new IllegalStateException("roll back the caller's transaction");
				})));
		// The caller's row is rolled back; the worker's committed on its own, on the same shard.
		assertThat(rows(this.a)).containsExactly(2);
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void shardCarriedOntoAThreadInsideAnotherShardsTransactionIsRefused() {
		ContextSnapshot onB;
		try {
			onB = ShardContext.callOn(this.b, () -> ContextSnapshotFactory.builder().build().captureAll());
		}
		catch (Throwable ex) {
			throw new AssertionError(ex);
		}
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> ShardContext.callOn(this.a,
				() -> tx.execute((status) -> {
					this.jdbc.update("insert into t values (1)");
					// e.g. a continuation that the completing thread runs inline
					try (ContextSnapshot.Scope scope = onB.setThreadLocals()) {
						return this.jdbc.update("insert into t values (2)");
					}
				})))
			.withMessageContaining("'b'")
			.withMessageContaining("'a'");
		assertThat(rows(this.a)).isEmpty();
		assertThat(rows(this.b)).isEmpty();
	}

	/**
	 * Submit unrelated work to the pooled thread directly, past any decorator, as code
	 * that nothing wraps: only the restore at the end of the previous task keeps the
	 * shard from it.
	 */
	private void assertUnrelatedWorkRunsWithoutShard(Submitter submitter) throws Exception {
		AtomicReference<Shard> seen = new AtomicReference<>(this.a);
		submitter.submit(() -> seen.set(ShardContext.currentShard())).get(10, TimeUnit.SECONDS);
		assertThat(seen.get()).isNull();
		// and a statement of that work finds no shard instead of the previous task's
		assertThat(submitter.submit(() -> {
			try {
				this.jdbc.update("insert into t values (99)");
				return null;
			}
			catch (ShardRoutingException ex) {
				return ex.getMessage();
			}
		}).get(10, TimeUnit.SECONDS)).contains("No shard selected");
		assertThat(rows(this.a)).doesNotContain(99);
		assertThat(rows(this.b)).doesNotContain(99);
	}

	private List<Integer> rows(Shard shard) {
		return new JdbcTemplate(shard.dataSource()).queryForList("select id from t order by id", Integer.class);
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	interface Submitter {

		<T> java.util.concurrent.Future<T> submit(java.util.concurrent.Callable<T> task);

		default java.util.concurrent.Future<?> submit(Runnable task) {
			return submit(() -> {
				task.run();
				return null;
			});
		}

	}

}
