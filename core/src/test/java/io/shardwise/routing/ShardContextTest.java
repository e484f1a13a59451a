package io.shardwise.routing;

import java.util.ArrayList;
import java.util.List;

import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ShardContextTest {

	private H2Shards h2;

	private Shard a;

	private Shard b;

	@BeforeEach
	void createShards() {
		this.h2 = H2Shards.create("a", "b");
		this.a = this.h2.shard("a");
		this.b = this.h2.shard("b");
	}

	@AfterEach
	void closeShards() throws Exception {
		this.h2.close();
	}

	@Test
	void nothingIsSelectedOutsideCallOn() {
		assertThat(ShardContext.currentShardId()).isNull();
		assertThat(ShardContext.currentShard()).isNull();
		assertThat(ShardContext.effectiveShard()).isNull();
		assertThat(ShardContext.transactionShard()).isNull();
	}

	@Test
	void callOnSelectsTheShardAndReturnsTheResult() throws Throwable {
		String result = ShardContext.callOn(this.a, () -> {
			assertThat(ShardContext.currentShard()).isSameAs(this.a);
			assertThat(ShardContext.effectiveShard()).isSameAs(this.a);
			return ShardContext.currentShardId();
		});
		assertThat(result).isEqualTo("a");
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void callOnRestoresNoSelectionAfterException() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatIllegalStateException().isThrownBy(() -> ShardContext.callOn(this.a, () -> {
			assertThat(ShardContext.currentShardId()).isEqualTo("a");
			throw failure;
		})).isSameAs(failure);
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void nestedCallOnSwitchesAndRestoresTheOuterShard() throws Throwable {
		List<String> seen = new ArrayList<>();
		ShardContext.callOn(this.a, () -> {
			seen.add(ShardContext.currentShardId());
			ShardContext.callOn(this.b, () -> seen.add(ShardContext.currentShardId()));
			seen.add(ShardContext.currentShardId());
			ShardContext.callOn(this.a, () -> seen.add(ShardContext.currentShardId()));
			seen.add(ShardContext.currentShardId());
			return null;
		});
		assertThat(seen).containsExactly("a", "b", "a", "a", "a");
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void nestedCallOnRestoresTheOuterShardAfterException() throws Throwable {
		String after = ShardContext.callOn(this.a, () -> {
			try {
				ShardContext.callOn(this.b, () -> {
					assertThat(ShardContext.currentShardId()).isEqualTo("b");
					throw new java.io.IOException("checked");
				});
			}
			catch (java.io.IOException ex) {
				assertThat(ex).hasMessage("checked");
			}
			return ShardContext.currentShardId();
		});
		assertThat(after).isEqualTo("a");
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void selectionIsPerThread() throws Throwable {
		String[] seenByOtherThread = new String[] { "unset" };
		ShardContext.callOn(this.a, () -> {
			Thread thread = new Thread(() -> seenByOtherThread[0] = ShardContext.currentShardId());
			thread.start();
			thread.join();
			return null;
		});
		assertThat(seenByOtherThread[0]).isNull();
	}

}
