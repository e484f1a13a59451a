package io.shardwise.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Deadline, failure policies and observation of fan-outs, against real H2 shards with a
 * statement that sleeps.
 */
class FanOutPolicyTest {

	private H2Shards h2;

	private List<Shard> shards;

	private final List<FanOutExecutor> executors = new ArrayList<>();

	@BeforeEach
	void createShards() {
		this.h2 = H2Shards.create("a", "b", "c");
		this.h2.executeOnEach("create alias sleep for \"java.lang.Thread.sleep(long)\"");
		this.shards = this.h2.shards().all();
	}

	@AfterEach
	void close() throws Exception {
		this.executors.forEach(FanOutExecutor::close);
		this.h2.close();
	}

	@Test
	void slowShardMissesTheDeadlineUnderFailPolicy() {
		FanOutExecutor executor = executor(Duration.ofMillis(300), FailurePolicy.FAIL, ShardCallObserver.NONE);
		ShardFanOutException ex = catchThrowableOfType(ShardFanOutException.class,
				() -> executor.execute(ShardCallKind.FAN_OUT, "slow", this.shards, this::sleepOnB));
		assertThat(ex.getFailures()).containsOnlyKeys("b");
		assertThat(ex.getFailures().get("b")).hasMessageContaining("deadline");
		assertThat(ex).hasMessageContaining("'b'");
	}

	@Test
	void slowShardIsLeftOutUnderPartialPolicy() {
		List<String> reported = new CopyOnWriteArrayList<>();
		ShardCallObserver observer = new ShardCallObserver() {
			@Override
			public void onPartialResult(String operation, List<String> failedShards) {
				reported.addAll(failedShards);
			}
		};
		FanOutExecutor executor = executor(Duration.ofMillis(300), FailurePolicy.PARTIAL, observer);
		PartialResult<Map<Shard, String>> result = PartialResult
			.capture(() -> executor.execute(ShardCallKind.FAN_OUT, "slow", this.shards, this::sleepOnB));
		assertThat(result.value().keySet()).extracting(Shard::id).containsExactly("a", "c");
		assertThat(result.missingShards()).containsExactly("b");
		assertThat(result.isComplete()).isFalse();
		assertThat(reported).containsExactly("b");
	}

	@Test
	void failingShardIsLeftOutUnderPartialPolicyButEveryShardFailingThrows() {
		FanOutExecutor executor = executor(null, FailurePolicy.PARTIAL, ShardCallObserver.NONE);
		PartialResult<Map<Shard, Integer>> result = PartialResult.capture(() -> executor
			.execute(ShardCallKind.FAN_OUT, "query", this.shards, (shard) -> jdbc(shard).queryForObject(
					shard.id().equals("c") ? "select * from missing_table" : "select 1", Integer.class)));
		assertThat(result.value().keySet()).extracting(Shard::id).containsExactly("a", "b");
		assertThat(result.missingShards()).containsExactly("c");

		ShardFanOutException ex = catchThrowableOfType(ShardFanOutException.class, () -> executor.execute(
				ShardCallKind.FAN_OUT, "query", this.shards,
				(shard) -> jdbc(shard).queryForObject("select * from missing_table", Integer.class)));
		assertThat(ex.getFailures()).containsOnlyKeys("a", "b", "c");
	}

	@Test
	void completeResultReportsNoMissingShards() {
		FanOutExecutor executor = executor(Duration.ofSeconds(30), FailurePolicy.PARTIAL, ShardCallObserver.NONE);
		PartialResult<Map<Shard, String>> result = PartialResult
			.capture(() -> executor.execute(ShardCallKind.FAN_OUT, "ids", this.shards, Shard::id));
		assertThat(result.isComplete()).isTrue();
		assertThat(result.value()).hasSize(3);
	}

	@Test
	void observerSeesTheFanOutAndEveryShardCallWithItsShardSelected() {
		List<String> events = new CopyOnWriteArrayList<>();
		ShardCallObserver observer = new ShardCallObserver() {
			@Override
			public <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard,
					ShardContext.Action<T> call) throws Throwable {
				events.add(kind + " " + operation + " " + shard.id());
				return call.run();
			}

			@Override
			public <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards, Supplier<T> fanOut) {
				events.add("fan-out " + operation + " " + shards.size());
				return fanOut.get();
			}
		};
		FanOutExecutor executor = executor(null, FailurePolicy.FAIL, observer);
		Map<Shard, String> selected = executor.execute(ShardCallKind.ID_LOOKUP, "lookup", this.shards,
				(shard) -> ShardContext.currentShardId());
		assertThat(selected.values()).containsExactly("a", "b", "c");
		assertThat(events).containsExactlyInAnyOrder("fan-out lookup 3", "ID_LOOKUP lookup a", "ID_LOOKUP lookup b",
				"ID_LOOKUP lookup c");
		assertThat(events.get(0)).isEqualTo("fan-out lookup 3");
	}

	@Test
	void virtualThreadsExactlyWhenTheJvmHasThem() {
		FanOutExecutor executor = executor(null, FailurePolicy.FAIL, ShardCallObserver.NONE);
		assertThat(executor.usesVirtualThreads()).isEqualTo(Runtime.version().feature() >= 21);
	}

	private String sleepOnB(Shard shard) {
		if (shard.id().equals("b")) {
			jdbc(shard).execute("call sleep(60000)");
		}
		return shard.id();
	}

	private JdbcTemplate jdbc(Shard shard) {
		return new JdbcTemplate(shard.dataSource());
	}

	private FanOutExecutor executor(Duration timeout, FailurePolicy policy, ShardCallObserver observer) {
		FanOutExecutor executor = new FanOutExecutor(4, timeout, policy, observer);
		this.executors.add(executor);
		return executor;
	}

}
