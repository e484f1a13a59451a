package io.shardwise.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardIds;
import io.shardwise.strategy.HashShardStrategy;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@SuppressWarnings("unchecked")
class PlacedFanOutTest {

	private static final long GRACE = TimeUnit.SECONDS.toNanos(3);

	private H2Shards h2;

	private HashShardStrategy hash;

	private volatile long epoch = 1;

	private ShardRouter router;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b");
		this.hash = HashShardStrategy.evenlySpread(8, List.of("a", "b"));
		this.router = new ShardRouter(this.h2.shards(), Map.of("hash", this.hash), "hash", ShardIds.DEFAULT_VALID_FROM,
				"hash");
	}

	@AfterEach
	void tearDown() throws Exception {
		this.h2.close();
	}

	@Test
	void withoutAPlacementNothingIsGuarded() {
		assertThat(this.router.placedFanOut(Account.class)).isNull();
		assertThat(this.router.placedFanOut("select * from accounts")).isNull();
	}

	@Test
	void onlyPlacedEntitiesAndStatementsNamingPlacedTablesAreGuarded() {
		this.router.checkPlacementWith(new ShardRouter.PlacementCheck() {

			@Override
			public PlacedFanOut fanOut() {
				return snapshot(Map.of());
			}

			@Override
			public Shard ownerAfterMiss(Shard shard, int bucket) {
				return null;
			}

			@Override
			public Runnable beforeBulkWrite(Shard shard, String operation) {
				return null;
			}

		});
		assertThat(this.router.placedFanOut(Account.class)).isNotNull();
		assertThat(this.router.placedFanOut(Unplaced.class)).isNull();
		// Tables unknown: every statement counts.
		assertThat(this.router.placedFanOut("select 1")).isNotNull();
		this.router.placedTables(List.of("Accounts", "account_lines"));
		assertThat(this.router.placedFanOut("SELECT a.id FROM accounts a where a.x > ?")).isNotNull();
		assertThat(this.router.placedFanOut("select * from public.account_lines")).isNotNull();
		assertThat(this.router.placedFanOut("select * from accounts_archive")).isNull();
		assertThat(this.router.placedFanOut("select 1")).isNull();
	}

	@Test
	void whileBucketsMoveEntitiesAreKeptOnlyFromTheirOwnersAndOtherResultsAreRefused() {
		Account onA = account("a");
		Account onB = account("b");
		PlacedFanOut moving = snapshot(Map.of(this.hash.bucketOf(onB.key), "a"));
		assertThat(moving.filters()).isTrue();
		Shard a = this.h2.shard("a");
		Shard b = this.h2.shard("b");
		// Shard a still has a copy of the row whose bucket b owns now.
		assertThat((List<Object>) moving.keep(a, new ArrayList<>(List.of(onA, onB)), "Accounts.findAll")).containsExactly(onA);
		assertThat((List<Object>) moving.keep(b, new ArrayList<>(List.of(onB)), "Accounts.findAll")).containsExactly(onB);
		assertThat(moving.keep(a, Optional.of(onB), "Accounts.findById")).isEqualTo(Optional.empty());
		assertThat(moving.keep(a, onB, "Accounts.findByName")).isNull();
		assertThatExceptionOfType(InexactFanOutException.class)
			.isThrownBy(() -> moving.keep(a, List.of(42L), "Accounts.findIds"))
			.withMessageContaining("Accounts.findIds")
			.withMessageContaining("java.lang.Long");
		assertThatExceptionOfType(InexactFanOutException.class)
			.isThrownBy(() -> moving.refuseUnfiltered("Accounts.count"))
			.withMessageContaining("Accounts.count")
			.withMessageContaining("of shard 'a'")
			.withMessageContaining("strategy 'hash'");
	}

	@Test
	void aFanOutIsRefusedWhenThePlacementChangedWhileItRanOrItsReadsLapsed() {
		this.epoch = 7;
		PlacedFanOut steady = snapshot(Map.of());
		steady.refuseUnfiltered("Accounts.count");
		steady.checkExact("Accounts.count");
		this.epoch = 8;
		assertThatExceptionOfType(InexactFanOutException.class).isThrownBy(() -> steady.checkExact("Accounts.count"))
			.withMessageContaining("Accounts.count")
			.withMessageContaining("changed while it ran");
		this.epoch = -1;
		assertThatExceptionOfType(InexactFanOutException.class).isThrownBy(() -> snapshot(Map.of()).checkExact("Accounts.count"))
			.withMessageContaining("strategy 'hash'")
			.withMessageContaining("has not read the placement");
		assertThatExceptionOfType(InexactFanOutException.class)
			.isThrownBy(() -> snapshot(Map.of()).refuseUnfiltered("Accounts.count"));
	}

	private PlacedFanOut snapshot(Map<Integer, String> moving) {
		return new PlacedFanOut(this.router, "hash", moving.isEmpty() ? null : this.hash.getShardByBucket(), moving,
				this.epoch, () -> this.epoch, GRACE);
	}

	private Account account(String shard) {
		for (int i = 0;; i++) {
			if (this.hash.shardFor("k" + i).equals(shard)) {
				return new Account("k" + i);
			}
		}
	}

	@jakarta.persistence.Entity
	static class Account {

		@ShardKey
		String key;

		Account(String key) {
			this.key = key;
		}

	}

	@jakarta.persistence.Entity
	static class Unplaced {

		@jakarta.persistence.Id
		Long id;

	}

}
