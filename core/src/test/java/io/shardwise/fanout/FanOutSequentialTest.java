package io.shardwise.fanout;

import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRoutingDataSource;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Fan-outs that were measured to be cheaper one shard after the other run on the
 * calling thread, with the same results, shard selection, deadline and failure policy;
 * and never where the calling thread's state would leak into the shard calls.
 */
class FanOutSequentialTest {

	private H2Shards h2;

	private List<Shard> shards;

	private FanOutExecutor executor;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b", "c", "d");
		this.shards = this.h2.shards().all();
		this.executor = new FanOutExecutor(4, Duration.ofMillis(500), FailurePolicy.FAIL, ShardCallObserver.NONE);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.executor.close();
		this.h2.close();
	}

	@Test
	void cheapWorkloadRunsOnTheCallerWithEachShardSelected() {
		Thread caller = Thread.currentThread();
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		// The first run is parallel (nothing is measured yet); the cheap calls then run here
		// (on a loaded machine a slow first try can leave the caller's way to be tried
		// again only every 1,024th run: hence up to 5,000 runs).
		for (int i = 0; i < 20 || (!threads.contains(caller) && i < 5000); i++) {
			Map<Shard, String> results = this.executor.execute(ShardCallKind.FAN_OUT, "cheap", this.shards,
					(shard) -> {
						threads.add(Thread.currentThread());
						assertThat(ShardContext.currentShard()).isSameAs(shard);
						return shard.id();
					});
			assertThat(results.values()).containsExactly("a", "b", "c", "d");
			assertThat(ShardContext.currentShard()).isNull();
		}
		assertThat(threads).contains(caller).hasSizeGreaterThan(1);
	}

	@Test
	void shardCallsSeeTheFanOutsContextOnTheCallerAsOnWorkers() throws Exception {
		// Like the trace and the MDC: context of the fan-out, carried to workers by onWorker.
		ThreadLocal<String> context = new ThreadLocal<>();
		List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		ShardCallObserver observer = new ShardCallObserver() {

			@Override
			public <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards,
					java.util.function.Supplier<T> fanOut) {
				context.set("fan-out " + operation);
				try {
					return fanOut.get();
				}
				finally {
					context.remove();
				}
			}

			@Override
			public <T> java.util.concurrent.Callable<T> onWorker(java.util.concurrent.Callable<T> task) {
				String callers = context.get();
				return () -> {
					context.set(callers);
					try {
						return task.call();
					}
					finally {
						context.remove();
					}
				};
			}

			@Override
			public <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard,
					ShardContext.Action<T> call) throws Throwable {
				seen.add(context.get());
				threads.add(Thread.currentThread());
				return call.run();
			}

		};
		try (FanOutExecutor observed = new FanOutExecutor(4, Duration.ofSeconds(5), FailurePolicy.FAIL, observer)) {
			int runs = 0;
			while (runs < 20 || (!threads.contains(Thread.currentThread()) && runs < 1000)) {
				observed.execute(ShardCallKind.FAN_OUT, "cheap", this.shards, Shard::id);
				runs++;
			}
			assertThat(seen).hasSize(4 * runs);
		}
		assertThat(threads).contains(Thread.currentThread()).hasSizeGreaterThan(1);
		assertThat(seen).containsOnly("fan-out cheap");
		assertThat(context.get()).isNull();
	}

	@Test
	void callerStandsInForAWorker() {
		// One permit: a shard call on the caller holds it, so a nested fan-out must not wait
		// for a worker (it runs on the same thread, as inside a worker).
		Thread caller = Thread.currentThread();
		Set<Thread> nestedThreads = ConcurrentHashMap.newKeySet();
		boolean[] onCaller = { false };
		try (FanOutExecutor single = new FanOutExecutor(1, Duration.ofSeconds(5), FailurePolicy.FAIL,
				ShardCallObserver.NONE)) {
			for (int i = 0; i < 20 || (!onCaller[0] && i < 5000); i++) {
				single.execute(ShardCallKind.FAN_OUT, "outer", this.shards, (shard) -> {
					boolean here = Thread.currentThread() == caller;
					single.execute(ShardCallKind.FAN_OUT, "nested", this.shards, (inner) -> {
						if (here) {
							nestedThreads.add(Thread.currentThread());
						}
						return inner.id();
					});
					onCaller[0] |= here;
					return shard.id();
				});
			}
		}
		assertThat(onCaller[0]).isTrue();
		assertThat(nestedThreads).containsExactly(caller);
	}

	@Test
	void workloadThatGainsFromParallelismStaysOnWorkers() {
		Thread caller = Thread.currentThread();
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		for (int i = 0; i < 4; i++) {
			this.executor.execute(ShardCallKind.FAN_OUT, "slow", this.shards, (shard) -> {
				threads.add(Thread.currentThread());
				Thread.sleep(20);
				return shard.id();
			});
		}
		assertThat(threads).doesNotContain(caller);
	}

	@Test
	void neverOnACallerWithATransactionOrASelectedShard() throws Throwable {
		Thread caller = Thread.currentThread();
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		FanOutExecutor.ShardCall<String> call = (shard) -> {
			threads.add(Thread.currentThread());
			return shard.id();
		};
		for (int i = 0; i < 5; i++) {
			this.executor.execute(ShardCallKind.FAN_OUT, "cheap", this.shards, call);
		}
		threads.clear();
		TransactionSynchronizationManager.initSynchronization();
		try {
			for (int i = 0; i < 20; i++) {
				this.executor.execute(ShardCallKind.FAN_OUT, "cheap", this.shards, call);
			}
		}
		finally {
			TransactionSynchronizationManager.clearSynchronization();
		}
		ShardContext.callOn(this.shards.get(0), () -> {
			for (int i = 0; i < 20; i++) {
				this.executor.execute(ShardCallKind.FAN_OUT, "cheap", this.shards, call);
			}
			return null;
		});
		assertThat(threads).isNotEmpty().doesNotContain(caller);
	}

	@Test
	void sequentialRunKeepsTheDeadline() {
		boolean[] slow = { false };
		Map<String, Thread> threads = new ConcurrentHashMap<>();
		FanOutExecutor.ShardCall<String> call = (shard) -> {
			threads.put(shard.id(), Thread.currentThread());
			if (slow[0] && shard.id().equals("a")) {
				Thread.sleep(700);
			}
			return shard.id();
		};
		ShardFanOutException failure = failureOnTheCaller("cheap", call, threads, slow);
		assertThat(failure.getFailures()).containsOnlyKeys("b", "c", "d");
		assertThat(failure.getFailures().values()).allSatisfy(
				(cause) -> assertThat(cause).isInstanceOf(TimeoutException.class).hasMessageContaining("500 ms"));
	}

	@Test
	void sequentialRunCancelsAStatementStillRunningAtTheDeadline() throws Exception {
		// On a thread of its own only so that a statement left running fails the test
		// instead of hanging it.
		FutureTask<ShardFanOutException> test = new FutureTask<>(
				this::runAStatementPastTheDeadlineOnTheCaller);
		Thread caller = new Thread(test, "caller");
		caller.setDaemon(true);
		caller.start();
		ShardFanOutException failure = test.get(60, TimeUnit.SECONDS);
		assertThat(failure.getFailures()).containsOnlyKeys("a");
		assertThat(failure.getFailures().get("a")).hasRootCauseInstanceOf(SQLTimeoutException.class)
			.rootCause()
			.hasMessageContaining("Statement was canceled");
	}

	private ShardFanOutException runAStatementPastTheDeadlineOnTheCaller() {
		JdbcTemplate jdbc = new JdbcTemplate(new ShardRoutingDataSource(this.h2.shards()));
		boolean[] slow = { false };
		Map<String, Thread> threads = new ConcurrentHashMap<>();
		FanOutExecutor.ShardCall<Long> call = (shard) -> {
			threads.put(shard.id(), Thread.currentThread());
			// Minutes of work: only a cancellation ends it within the deadline.
			return jdbc.queryForObject("select sum(x) from system_range(1, ?)", Long.class,
					slow[0] ? 100_000_000_000L : 1L);
		};
		return failureOnTheCaller("long", call, threads, slow);
	}

	/**
	 * Run a cheap workload until the executor runs it on the caller, then once with
	 * {@code failing} set, and return that run's failure; if that run was the one in 64
	 * that re-measures the parallel way, start over.
	 */
	private ShardFanOutException failureOnTheCaller(String workload, FanOutExecutor.ShardCall<?> call,
			Map<String, Thread> threads, boolean[] failing) {
		Thread caller = Thread.currentThread();
		while (true) {
			failing[0] = false;
			for (int i = 0; i < 5 || (threads.get("a") != caller && i < 5000); i++) {
				this.executor.execute(ShardCallKind.FAN_OUT, workload, this.shards, call);
			}
			assertThat(threads.get("a")).isSameAs(caller);
			failing[0] = true;
			threads.clear();
			ShardFanOutException failure = catchThrowableOfType(ShardFanOutException.class,
					() -> this.executor.execute(ShardCallKind.FAN_OUT, workload, this.shards, call));
			if (threads.get("a") == caller) {
				return failure;
			}
		}
	}

}
