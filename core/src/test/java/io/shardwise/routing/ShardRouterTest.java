package io.shardwise.routing;

import java.util.Map;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardIds;
import io.shardwise.strategy.LookupShardStrategy;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ShardRouterTest {

	private H2Shards h2;

	private ShardRouter router;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b");
		this.router = new ShardRouter(this.h2.shards(),
				Map.of("s", new LookupShardStrategy("s", Map.of("x", "a", "y", "b")), "broken", (key) -> "zzz"),
				"s");
	}

	@AfterEach
	void tearDown() throws Exception {
		this.h2.close();
	}

	@Test
	void anEntityGivenAsAKeyRoutesByItsOwnKeyNotByItsText() {
		assertThat(this.router.shardFor("", new Parent("y"))).isSameAs(this.h2.shard("b"));
		assertThat(this.router.shardFor("", new Child(new Parent("x")))).isSameAs(this.h2.shard("a"));
		assertThat(this.router.groupByShard("", java.util.List.of(new Parent("x"), new Parent("y"))))
			.containsOnlyKeys(this.h2.shard("a"), this.h2.shard("b"));
	}

	@Test
	void keyParameterTypesAreCheckedAtStartup() {
		assertThat(this.router.validateKeyType(String.class, null, "M.m")).isFalse();
		assertThat(this.router.validateKeyType(long.class, null, "M.m")).isFalse();
		assertThat(this.router.validateKeyType(java.util.List.class, String.class, "M.m")).isFalse();
		assertThat(this.router.validateKeyType(Parent.class, null, "M.m")).isTrue();
		assertThat(this.router.validateKeyType(java.util.Set.class, Child.class, "M.m")).isTrue();
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.router.validateKeyType(Unkeyed.class, null, "Orders.findBy"))
			.withMessageContaining("Orders.findBy")
			.withMessageContaining(Unkeyed.class.getName());
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.router.validateKeyType(Thread.class, null, "Orders.findBy"))
			.withMessageContaining("java.lang.Thread");
	}

	@Test
	void aNullKeyIsAnUnknownShardKey() {
		assertThatExceptionOfType(UnknownShardKeyException.class).isThrownBy(() -> this.router.shardFor("", null))
			.withMessageContaining("null");
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.router.shardOf(new FieldOnly(null)))
			.withMessageContaining("FieldOnly.region");
	}

	@Test
	void shardOfReadsKeyFieldWithoutGetter() {
		assertThat(this.router.shardOf(new FieldOnly("x"))).isSameAs(this.h2.shard("a"));
		assertThat(this.router.shardOf(new FieldOnly("y"))).isSameAs(this.h2.shard("b"));
	}

	@Test
	void shardOfPrefersTheGetter() {
		// The getter maps the stored value, so only a getter read routes "raw-x" to a.
		assertThat(this.router.shardOf(new WithGetter("raw-x"))).isSameAs(this.h2.shard("a"));
	}

	@Test
	void shardOfWorksForNonPublicClassWithPublicGetter() {
		assertThat(this.router.shardOf(new PackagePrivateWithGetter("y"))).isSameAs(this.h2.shard("b"));
	}

	@Test
	void shardOfFindsInheritedKeyField() {
		assertThat(this.router.shardOf(new SubclassOfFieldOnly("y"))).isSameAs(this.h2.shard("b"));
	}

	@Test
	void shardOfFollowsKeyReferenceToParent() {
		Parent parent = new Parent("y");
		assertThat(this.router.shardOf(new Child(parent))).isSameAs(this.h2.shard("b"));
		assertThat(this.router.shardOf(new Child(new Parent("x")))).isSameAs(this.h2.shard("a"));
	}

	@Test
	void nullKeyNamesClassAndField() {
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.router.shardOf(new FieldOnly(null)))
			.withMessageContaining("FieldOnly.region");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.router.shardOf(new Child(null)))
			.withMessageContaining("Child.parent");
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.router.shardOf(new Child(new Parent(null))))
			.withMessageContaining("Parent.region");
	}

	@Test
	void entityWithoutShardKeyHasNoShard() {
		assertThat(this.router.shardOf(new NoKey("x"))).isNull();
		assertThat(this.router.shardOf("just a string")).isNull();
		assertThat(this.router.hasShardKey(NoKey.class)).isFalse();
		assertThat(this.router.hasShardKey(FieldOnly.class)).isTrue();
	}

	@Test
	void unknownKeyValueOfEntityIsReported() {
		assertThatExceptionOfType(UnknownShardKeyException.class)
			.isThrownBy(() -> this.router.shardOf(new FieldOnly("nowhere")))
			.withMessageContaining("[nowhere]");
	}

	@Test
	void entityKeyWithNamedStrategyUsesIt() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.router.shardOf(new WithBrokenStrategy("x")))
			.withMessageContaining("'zzz'");
	}

	@Test
	void resolveStrategyFallsBackToDefault() {
		assertThat(this.router.resolveStrategy("")).isEqualTo("s");
		assertThat(this.router.resolveStrategy(null)).isEqualTo("s");
		assertThat(this.router.resolveStrategy("broken")).isEqualTo("broken");
	}

	@Test
	void resolveStrategyWithoutDefaultFails() {
		ShardRouter noDefault = new ShardRouter(this.h2.shards(),
				Map.of("s", new LookupShardStrategy("s", Map.of("x", "a"))), null);
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> noDefault.resolveStrategy(""))
			.withMessageContaining("default-strategy")
			.withMessageContaining("[s]");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> noDefault.shardFor("", "x"));
	}

	@Test
	void unknownStrategyListsConfiguredOnes() {
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.router.resolveStrategy("nope"))
			.withMessageContaining("'nope'")
			.withMessageContaining("s")
			.withMessageContaining("broken");
	}

	@Test
	void validateRejectsEntityNamingUnknownStrategy() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.router.validate(WithUnknownStrategy.class))
			.withMessageContaining("WithUnknownStrategy.key")
			.withMessageContaining("'missing'");
		this.router.validate(FieldOnly.class);
		this.router.validate(Child.class);
		this.router.validate(NoKey.class);
	}

	@Test
	void strategyReturningUnknownShardIsRefused() {
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.router.shardFor("broken", "x"))
			.withMessageContaining("'broken'")
			.withMessageContaining("'zzz'")
			.withMessageContaining("[a, b]");
	}

	@Test
	void strategyReturningNullIsRefused() {
		ShardRouter nullStrategy = new ShardRouter(this.h2.shards(), Map.of("n", (key) -> null), "n");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> nullStrategy.shardFor("", "x"))
			.withMessageContaining("'null'");
	}

	@Test
	void shardForNullKeyIsRefused() {
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.router.shardFor("", null))
			.withMessageContaining("null")
			.withMessageContaining("'s'");
	}

	@Test
	void shardOfIdDecodesShardwiseIds() {
		assertThat(this.router.shardOfId(new ShardIds(2, 0).next(1))).isSameAs(this.h2.shard("b"));
		assertThat(this.router.shardOfId(this.h2.shard("a").nextId())).isSameAs(this.h2.shard("a"));
	}

	@Test
	void shardOfIdIgnoresValuesThatAreNotShardwiseIds() {
		assertThat(this.router.shardOfId(42L)).isNull();
		assertThat(this.router.shardOfId(42)).isNull();
		assertThat(this.router.shardOfId("x")).isNull();
		assertThat(this.router.shardOfId(null)).isNull();
		assertThat(this.router.shardOfId(String.valueOf(new ShardIds(2, 0).next(1)))).isNull();
	}

	@Test
	void shardOfIdOfIndexBeyondConfiguredShardsIsNull() {
		assertThat(this.router.shardOfId(new ShardIds(8, 0).next(5))).isNull();
	}

	public static class FieldOnly {

		@ShardKey
		private final String region;

		public FieldOnly(String region) {
			this.region = region;
		}

	}

	public static class SubclassOfFieldOnly extends FieldOnly {

		public SubclassOfFieldOnly(String region) {
			super(region);
		}

	}

	public static class WithGetter {

		@ShardKey
		private final String region;

		public WithGetter(String region) {
			this.region = region;
		}

		public String getRegion() {
			return this.region.replace("raw-", "");
		}

	}

	static class PackagePrivateWithGetter {

		@ShardKey
		private final String region;

		PackagePrivateWithGetter(String region) {
			this.region = region;
		}

		public String getRegion() {
			return this.region;
		}

	}

	@jakarta.persistence.Entity
	public static class Unkeyed {

		@jakarta.persistence.Id
		Long id;

	}

	public static class Parent {

		@ShardKey
		private final String region;

		public Parent(String region) {
			this.region = region;
		}

		public String getRegion() {
			return this.region;
		}

	}

	public static class Child {

		@ShardKey
		private final Parent parent;

		public Child(Parent parent) {
			this.parent = parent;
		}

		public Parent getParent() {
			return this.parent;
		}

	}

	public static class NoKey {

		private final String region;

		public NoKey(String region) {
			this.region = region;
		}

		public String getRegion() {
			return this.region;
		}

	}

	public static class WithBrokenStrategy {

		@ShardKey(strategy = "broken")
		private final String key;

		public WithBrokenStrategy(String key) {
			this.key = key;
		}

	}

	public static class WithUnknownStrategy {

		@ShardKey(strategy = "missing")
		private final String key;

		public WithUnknownStrategy(String key) {
			this.key = key;
		}

	}

}
