package io.shardwise.strategy;

import java.util.Map;

import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.UnknownShardKeyException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LookupShardStrategyTest {

	private final LookupShardStrategy strategy = new LookupShardStrategy("continent",
			Map.of("Asia", "east", "Europe", "west", "5", "numbers"));

	@Test
	void mapsListedKeysToTheirShards() {
		assertThat(this.strategy.shardFor("Asia")).isEqualTo("east");
		assertThat(this.strategy.shardFor("Europe")).isEqualTo("west");
		assertThat(this.strategy.shardFor("5")).isEqualTo("numbers");
	}

	@Test
	void unknownKeyThrowsUnknownShardKeyExceptionNamingStrategyAndKey() {
		UnknownShardKeyException ex = catchThrowableOfType(UnknownShardKeyException.class,
				() -> this.strategy.shardFor("Atlantis"));
		assertThat(ex).isNotNull().isInstanceOf(ShardRoutingException.class);
		assertThat(ex.getMessage()).contains("'continent'").contains("[Atlantis]");
		assertThat(ex.getStrategy()).isEqualTo("continent");
		assertThat(ex.getKey()).isEqualTo("Atlantis");
	}

	@Test
	void unknownKeyMessageListsKnownKeys() {
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> this.strategy.shardFor("Mars"))
			.withMessageContaining("Asia")
			.withMessageContaining("Europe");
	}

	@Test
	void keysAreComparedByTheirStringForm() {
		assertThat(this.strategy.shardFor(5)).isEqualTo("numbers");
		assertThat(this.strategy.shardFor(5L)).isEqualTo("numbers");
		assertThat(this.strategy.shardFor(new StringBuilder("Asia"))).isEqualTo("east");
	}

	@Test
	void unknownNonStringKeyIsReportedAsGiven() {
		UnknownShardKeyException ex = catchThrowableOfType(UnknownShardKeyException.class,
				() -> this.strategy.shardFor(6));
		assertThat(ex.getKey()).isEqualTo(6);
		assertThat(ex.getMessage()).contains("[6]");
	}

	@Test
	void mapIsCopiedDefensively() {
		java.util.HashMap<String, String> source = new java.util.HashMap<>(Map.of("a", "one"));
		LookupShardStrategy copy = new LookupShardStrategy("s", source);
		source.put("b", "two");
		assertThat(copy.getShardByKey()).containsOnlyKeys("a");
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> copy.shardFor("b"));
	}

}
