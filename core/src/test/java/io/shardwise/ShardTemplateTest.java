package io.shardwise;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.UnknownShardKeyException;
import io.shardwise.strategy.LookupShardStrategy;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ShardTemplateTest {

	private H2Shards h2;

	private FanOutExecutor fanOut;

	private ShardTemplate template;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b", "c");
		ShardRouter router = new ShardRouter(this.h2.shards(),
				Map.of("s", new LookupShardStrategy("s", Map.of("x", "a", "y", "b", "z", "c")), "other",
						new LookupShardStrategy("other", Map.of("x", "c"))),
				"s");
		this.fanOut = new FanOutExecutor(3);
		this.template = new ShardTemplate(router, this.fanOut);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.fanOut.close();
		this.h2.close();
	}

	@Test
	void onShardRunsWithThatShardSelected() {
		String seen = this.template.onShard("b", (id) -> id + ":" + ShardContext.currentShardId());
		assertThat(seen).isEqualTo("b:b");
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void onShardOfUsesTheDefaultStrategy() {
		assertThat(this.template.<String>onShardOf("x", (id) -> ShardContext.currentShardId())).isEqualTo("a");
		assertThat(this.template.<String>onShardOf("y", (id) -> id)).isEqualTo("b");
	}

	@Test
	void onShardOfWithNamedStrategy() {
		assertThat(this.template.<String>onShardOf("other", "x", (id) -> ShardContext.currentShardId())).isEqualTo("c");
	}

	@Test
	void onShardsOfRunsOncePerShardInDeclarationOrder() {
		Map<String, Integer> calls = new ConcurrentHashMap<>();
		Map<String, String> results = this.template.onShardsOf(List.of("z", "x", "z", "x"), (id) -> {
			calls.merge(id, 1, Integer::sum);
			return ShardContext.currentShardId();
		});
		assertThat(results).containsExactly(Map.entry("a", "a"), Map.entry("c", "c"));
		assertThat(calls).containsOnly(Map.entry("a", 1), Map.entry("c", 1));
	}

	@Test
	void onShardsOfWithUnknownKeyFailsBeforeRunningAnything() {
		Map<String, Integer> calls = new ConcurrentHashMap<>();
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.template.onShardsOf(List.of("x", "nope"), (id) -> calls.merge(id, 1, Integer::sum)))
			.withMessageContaining("[nope]");
		assertThat(calls).isEmpty();
	}

	@Test
	void onAllShardsGivesResultsInDeclarationOrder() {
		Map<String, String> results = this.template.onAllShards((id) -> ShardContext.currentShardId() + "!");
		assertThat(results).containsExactly(Map.entry("a", "a!"), Map.entry("b", "b!"), Map.entry("c", "c!"));
	}

	@Test
	void callbacksReachEachShardsOwnDatabase() {
		this.h2.executeOnEach("create table t(id int)");
		new JdbcTemplate(this.h2.dataSource("b")).update("insert into t values (1), (2)");
		new JdbcTemplate(this.h2.dataSource("c")).update("insert into t values (3)");
		Map<String, Integer> counts = this.template.onAllShards((id) -> new JdbcTemplate(
				this.h2.shards().get(ShardContext.currentShardId()).dataSource())
			.queryForObject("select count(*) from t", Integer.class));
		assertThat(counts).containsExactly(Map.entry("a", 0), Map.entry("b", 2), Map.entry("c", 1));
	}

	@Test
	void onShardWithUnknownIdNamesConfiguredShards() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.template.onShard("nope", (id) -> id))
			.withMessageContaining("'nope'")
			.withMessageContaining("[a, b, c]");
	}

	@Test
	void onShardOfNullKeyIsRefused() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.template.onShardOf(null, (id) -> id))
			.withMessageContaining("null");
	}

	@Test
	void callbackExceptionPropagatesUnchanged() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.template.onShard("a", (id) -> {
			throw failure;
		})).isSameAs(failure);
		assertThat(ShardContext.currentShardId()).isNull();
	}

}
