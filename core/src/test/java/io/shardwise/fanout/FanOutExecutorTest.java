package io.shardwise.fanout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FanOutExecutorTest {

	private H2Shards h2;

	private List<Shard> shards;

	private FanOutExecutor executor;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b", "c", "d");
		this.shards = this.h2.shards().all();
		this.executor = new FanOutExecutor(4);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.executor.close();
		this.h2.close();
	}

	@Test
	void resultsComeBackInShardOrder() {
		// Each shard waits for the next one to finish, so they complete in reverse order.
		CountDownLatch[] finished = new CountDownLatch[this.shards.size() + 1];
		for (int i = 0; i < finished.length; i++) {
			finished[i] = new CountDownLatch((i < this.shards.size()) ? 1 : 0);
		}
		List<String> completionOrder = new java.util.concurrent.CopyOnWriteArrayList<>();
		List<String> results = run(this.executor, "ids", this.shards, (shard) -> {
			assertThat(finished[shard.index() + 1].await(10, TimeUnit.MINUTES)).isTrue();
			completionOrder.add(shard.id());
			finished[shard.index()].countDown();
			return shard.id() + shard.index();
		});
		assertThat(completionOrder).containsExactly("d", "c", "b", "a");
		assertThat(results).containsExactly("a0", "b1", "c2", "d3");
	}

	@Test
	void resultsFollowTheOrderOfTheGivenList() {
		List<Shard> reversed = List.of(this.shards.get(3), this.shards.get(1), this.shards.get(0));
		assertThat(run(this.executor, "ids", reversed, Shard::id)).containsExactly("d", "b", "a");
	}

	@Test
	void eachCallRunsOnAWorkerWithItsShardSelected() {
		Thread caller = Thread.currentThread();
		Map<String, Thread> threads = new ConcurrentHashMap<>();
		List<String> selected = run(this.executor, "context", this.shards, (shard) -> {
			threads.put(shard.id(), Thread.currentThread());
			assertThat(ShardContext.currentShard()).isSameAs(shard);
			return ShardContext.currentShardId();
		});
		assertThat(selected).containsExactly("a", "b", "c", "d");
		assertThat(threads).containsOnlyKeys("a", "b", "c", "d");
		assertThat(threads.values()).doesNotContain(caller);
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void failingShardIsReportedInShardFanOutException() {
		IllegalStateException failure = new IllegalStateException("disk full");
		ShardFanOutException ex = catchThrowableOfType(ShardFanOutException.class,
				() -> run(this.executor, "count", this.shards.subList(0, 2), (shard) -> {
					if (shard.id().equals("b")) {
						throw failure;
					}
					return 1;
				}));
		assertThat(ex).isNotNull();
		assertThat(ex.getFailures()).containsOnlyKeys("b");
		assertThat(ex.getFailures().get("b")).isSameAs(failure);
		assertThat(ex.getCause()).isSameAs(failure);
		assertThat(ex.getMessage()).contains("count").contains("'b'").contains("disk full");
	}

	@Test
	void checkedExceptionOfAShardIsReportedUnwrapped() {
		java.io.IOException failure = new java.io.IOException("io");
		ShardFanOutException ex = catchThrowableOfType(ShardFanOutException.class,
				() -> run(this.executor, "read", this.shards, (shard) -> {
					if (shard.id().equals("c")) {
						throw failure;
					}
					return 1;
				}));
		assertThat(ex.getFailures()).containsOnlyKeys("c");
		assertThat(ex.getFailures().get("c")).isSameAs(failure);
	}

	@Test
	void failureCancelsABlockedSibling() throws Exception {
		CountDownLatch siblingStarted = new CountDownLatch(1);
		CountDownLatch neverReleased = new CountDownLatch(1);
		CountDownLatch siblingFinished = new CountDownLatch(1);
		AtomicBoolean siblingInterrupted = new AtomicBoolean();
		AtomicBoolean siblingReleasedNormally = new AtomicBoolean();
		ShardFanOutException ex = catchThrowableOfType(ShardFanOutException.class,
				() -> run(this.executor, "job", this.shards.subList(0, 2), (shard) -> {
					if (shard.id().equals("a")) {
						siblingStarted.countDown();
						try {
							siblingReleasedNormally.set(neverReleased.await(10, TimeUnit.MINUTES));
						}
						catch (InterruptedException interrupted) {
							siblingInterrupted.set(true);
						}
						finally {
							siblingFinished.countDown();
						}
						return "a";
					}
					siblingStarted.await();
					throw new IllegalStateException("b failed");
				}));
		assertThat(ex).isNotNull();
		assertThat(ex.getFailures()).containsOnlyKeys("b");
		assertThat(siblingFinished.await(10, TimeUnit.MINUTES)).isTrue();
		assertThat(siblingInterrupted).isTrue();
		assertThat(siblingReleasedNormally).isFalse();
	}

	@Test
	void singleShardRunsOnCallerThreadAndRethrowsOriginalException() {
		Thread caller = Thread.currentThread();
		Shard b = this.shards.get(1);
		List<String> result = run(this.executor, "one", List.of(b), (shard) -> {
			assertThat(Thread.currentThread()).isSameAs(caller);
			return ShardContext.currentShardId();
		});
		assertThat(result).containsExactly("b");

		IllegalArgumentException failure = new IllegalArgumentException("bad");
		assertThatIllegalArgumentException().isThrownBy(() -> run(this.executor, "one", List.of(b), (shard) -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void singleShardCheckedExceptionIsWrapped() {
		java.io.IOException failure = new java.io.IOException("io");
		ShardFanOutException ex = catchThrowableOfType(ShardFanOutException.class,
				() -> run(this.executor, "one", List.of(this.shards.get(0)), (shard) -> {
					throw failure;
				}));
		assertThat(ex.getFailures()).containsExactly(Map.entry("a", failure));
	}

	@Test
	void nestedFanOutRunsSequentiallyOnTheWorkerEvenWithOneThread() {
		FanOutExecutor single = new FanOutExecutor(1);
		try {
			List<List<String>> results = run(single, "outer", this.shards.subList(0, 2), (outer) -> {
				Thread worker = Thread.currentThread();
				List<String> inner = run(single, "inner", this.shards, (shard) -> {
					assertThat(Thread.currentThread()).isSameAs(worker);
					return outer.id() + ">" + ShardContext.currentShardId();
				});
				assertThat(ShardContext.currentShardId()).isEqualTo(outer.id());
				return inner;
			});
			assertThat(results).containsExactly(List.of("a>a", "a>b", "a>c", "a>d"),
					List.of("b>a", "b>b", "b>c", "b>d"));
		}
		finally {
			single.close();
		}
	}

	@Test
	void nestedFanOutFailureNamesTheInnerShard() {
		ShardFanOutException ex = catchThrowableOfType(ShardFanOutException.class,
				() -> run(this.executor, "outer", this.shards.subList(0, 2),
						(outer) -> run(this.executor, "inner", this.shards, (shard) -> {
							if (shard.id().equals("c")) {
								throw new IllegalStateException("inner c");
							}
							return 1;
						})));
		assertThat(ex).isNotNull();
		assertThat(ex.getCause()).isInstanceOf(ShardFanOutException.class);
		ShardFanOutException inner = (ShardFanOutException) ex.getCause();
		assertThat(inner.getFailures()).containsOnlyKeys("c");
		assertThat(inner.getMessage()).contains("inner").contains("'c'");
	}

	@Test
	void emptyShardListGivesEmptyResult() {
		assertThat(run(this.executor, "none", List.of(), Shard::id)).isEmpty();
	}

	@Test
	void maxParallelismMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FanOutExecutor(0));
	}

	private static <T> List<T> run(FanOutExecutor executor, String operation, List<Shard> shards,
			FanOutExecutor.ShardCall<T> call) {
		return new java.util.ArrayList<>(executor.execute(ShardCallKind.FAN_OUT, operation, shards, call).values());
	}

}
