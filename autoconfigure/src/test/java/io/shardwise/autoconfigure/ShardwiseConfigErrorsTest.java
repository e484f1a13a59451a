package io.shardwise.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import io.shardwise.identity.SharedShardDatabaseException;
import io.shardwise.migration.ShardMigrationException;
import io.shardwise.strategy.ShardStrategy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static io.shardwise.autoconfigure.ShardwiseTestSupport.allMessages;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.causeChain;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.h2Url;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.invalidProperty;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad configuration fails startup with an error that names the offending property.
 */
class ShardwiseConfigErrorsTest {

	private final ApplicationContextRunner runner = ShardwiseTestSupport.runner();

	private ApplicationContextRunner twoShards() {
		return this.runner.withPropertyValues("shardwise.shards.a.url=" + h2Url("errors-a"),
				"shardwise.shards.b.url=" + h2Url("errors-b"));
	}

	private InvalidConfigurationPropertyValueException failureOf(ApplicationContextRunner runner) {
		InvalidConfigurationPropertyValueException[] found = new InvalidConfigurationPropertyValueException[1];
		runner.run((context) -> {
			assertThat(context).hasFailed();
			found[0] = invalidProperty(context.getStartupFailure());
		});
		return found[0];
	}

	@Test
	void aMisspelledSettingFailsStartupNamingIt() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("typo-a"), "shardwise.fan-out.on-shard-falure=partial")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
					.isInstanceOf(UnboundConfigurationPropertiesException.class)
					.hasMessageContaining("shardwise.fan-out.on-shard-falure");
			});
	}

	@Test
	void indexOnSomeShardsOnlyFailsNamingTheShardWithout() {
		assertThat(failureOf(twoShards().withPropertyValues("shardwise.shards.a.index=0")).getName())
			.isEqualTo("shardwise.shards.b.index");
	}

	@Test
	void duplicateIndexFailsNamingTheProperty() {
		assertThat(failureOf(twoShards().withPropertyValues("shardwise.shards.a.index=1", "shardwise.shards.b.index=1"))
			.getName()).isEqualTo("shardwise.shards.b.index");
	}

	@Test
	void indexOutOfRangeFailsNamingTheProperty() {
		assertThat(failureOf(twoShards().withPropertyValues("shardwise.shards.a.index=0", "shardwise.shards.b.index=256"))
			.getName()).isEqualTo("shardwise.shards.b.index");
	}

	@Test
	void noShardsNamesShardsProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(this.runner);
		assertThat(ex.getName()).isEqualTo("shardwise.shards");
	}

	@Test
	void shardWithoutUrlNamesItsUrlProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(this.runner.withPropertyValues(
				"shardwise.shards.a.url=" + h2Url("no-url-a"), "shardwise.shards.b.username=sa"));
		assertThat(ex.getName()).isEqualTo("shardwise.shards.b.url");
	}

	@Test
	void shardWithBlankUrlNamesItsUrlProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(
				this.runner.withPropertyValues("shardwise.shards.a.url= "));
		assertThat(ex.getName()).isEqualTo("shardwise.shards.a.url");
	}

	@Test
	void lookupMappingToUnknownShardNamesMappingProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.region.type=lookup", "shardwise.strategies.region.mapping.eu=a",
				"shardwise.strategies.region.mapping.us=nowhere"));
		assertThat(ex.getName()).contains("shardwise.strategies.region.mapping").contains("us");
		assertThat(ex.getValue()).isEqualTo("nowhere");
	}

	@Test
	void lookupWithoutMappingNamesMappingProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(
				twoShards().withPropertyValues("shardwise.strategies.region.type=lookup"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.region.mapping");
	}

	@Test
	void unknownDefaultStrategyNamesDefaultStrategyProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.region.type=lookup", "shardwise.strategies.region.mapping.eu=a",
				"shardwise.default-strategy=nope"));
		assertThat(ex.getName()).isEqualTo("shardwise.default-strategy");
		assertThat(ex.getValue()).isEqualTo("nope");
	}

	@Test
	void strategyWithoutTypeNamesTypeProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(
				twoShards().withPropertyValues("shardwise.strategies.region.mapping.eu=a"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.region.type");
	}

	@Test
	void invalidStrategyTypeFailsBindingNamingTypeProperty() {
		twoShards().withPropertyValues("shardwise.strategies.region.type=modulo").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(allMessages(context.getStartupFailure())).contains("shardwise.strategies.region.type");
		});
	}

	@Test
	void overlappingRangesNameRangesProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.r.type=range", "shardwise.strategies.r.ranges[0].from=0",
				"shardwise.strategies.r.ranges[0].to=100", "shardwise.strategies.r.ranges[0].shard=a",
				"shardwise.strategies.r.ranges[1].from=50", "shardwise.strategies.r.ranges[1].shard=b"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.r.ranges");
	}

	@Test
	void adjacentRangesAreAccepted() {
		twoShards()
			.withPropertyValues("shardwise.strategies.r.type=range", "shardwise.strategies.r.ranges[0].to=100",
					"shardwise.strategies.r.ranges[0].shard=a", "shardwise.strategies.r.ranges[1].from=100",
					"shardwise.strategies.r.ranges[1].shard=b")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void rangeMappingToUnknownShardNamesItsShardProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.r.type=range", "shardwise.strategies.r.ranges[0].from=0",
				"shardwise.strategies.r.ranges[0].to=100", "shardwise.strategies.r.ranges[0].shard=nowhere"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.r.ranges[0].shard");
	}

	@Test
	void emptyRangeNamesThatRange() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.r.type=range", "shardwise.strategies.r.ranges[0].to=10",
				"shardwise.strategies.r.ranges[0].shard=a", "shardwise.strategies.r.ranges[1].from=20",
				"shardwise.strategies.r.ranges[1].to=20", "shardwise.strategies.r.ranges[1].shard=b"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.r.ranges[1]");
	}

	@Test
	void hashBucketShardsWithGapNameBucketShardsProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.h.type=hash", "shardwise.strategies.h.buckets=4",
				"shardwise.strategies.h.bucket-shards.[0-1]=a", "shardwise.strategies.h.bucket-shards.[3]=b"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.h.bucket-shards");
		assertThat(ex.getReason()).contains("bucket 2");
	}

	@Test
	void hashOverlappingBucketRangesNameTheOverlappingEntry() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.h.type=hash", "shardwise.strategies.h.buckets=4",
				"shardwise.strategies.h.bucket-shards.[0-2]=a", "shardwise.strategies.h.bucket-shards.[2-3]=b"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.h.bucket-shards[2-3]");
		assertThat(ex.getReason()).contains("Bucket 2");
	}

	@Test
	void hashBucketRangeBeyondBucketCountNamesTheEntry() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.h.type=hash", "shardwise.strategies.h.buckets=4",
				"shardwise.strategies.h.bucket-shards.[0-1]=a", "shardwise.strategies.h.bucket-shards.[2-4]=b"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.h.bucket-shards[2-4]");
	}

	@Test
	void hashBucketShardToUnknownShardNamesTheEntry() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.strategies.h.type=hash", "shardwise.strategies.h.buckets=4",
				"shardwise.strategies.h.bucket-shards.[0-1]=a", "shardwise.strategies.h.bucket-shards.[2-3]=c"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.h.bucket-shards[2-3]");
		assertThat(ex.getValue()).isEqualTo("c");
	}

	@Test
	void hashWithFewerBucketsThanShardsNamesBucketsProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues(
				"shardwise.shards.c.url=" + h2Url("errors-c"), "shardwise.strategies.h.type=hash",
				"shardwise.strategies.h.buckets=2"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.h.buckets");
	}

	@Test
	void hashWithZeroBucketsNamesBucketsProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards()
			.withPropertyValues("shardwise.strategies.h.type=hash", "shardwise.strategies.h.buckets=0"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.h.buckets");
	}

	@Test
	void idNodeOutOfRangeNamesIdNodeProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(twoShards().withPropertyValues("shardwise.id.node=64"));
		assertThat(ex.getName()).isEqualTo("shardwise.id.node");
		assertThat(failureOf(twoShards().withPropertyValues("shardwise.id.node=-1")).getName())
			.isEqualTo("shardwise.id.node");
	}

	@Test
	void idNodeAtUpperLimitIsAccepted() {
		twoShards().withPropertyValues("shardwise.id.node=63").run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void zeroFanOutParallelismNamesItsProperty() {
		InvalidConfigurationPropertyValueException ex = failureOf(
				twoShards().withPropertyValues("shardwise.fan-out.max-parallelism=0"));
		assertThat(ex.getName()).isEqualTo("shardwise.fan-out.max-parallelism");
	}

	@Test
	void brokenMigrationNamesTheShard() {
		twoShards().withPropertyValues("shardwise.migration.locations=classpath:db/broken").run((context) -> {
			assertThat(context).hasFailed();
			ShardMigrationException ex = causeChain(context.getStartupFailure()).stream()
				.filter(ShardMigrationException.class::isInstance)
				.map(ShardMigrationException.class::cast)
				.findFirst()
				.orElseThrow();
			assertThat(ex.getShard()).isEqualTo("a");
			assertThat(ex.getMessage()).contains("shard 'a'");
		});
	}

	@Test
	void migrationFailingOnSecondShardNamesThatShard() throws Exception {
		String urlB = h2Url("errors-widgets-b");
		try (Connection connection = DriverManager.getConnection(urlB); Statement statement = connection.createStatement()) {
			statement.execute("create table widgets (id bigint primary key)");
		}
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("errors-widgets-a"), "shardwise.shards.b.url=" + urlB,
					"shardwise.migration.locations=classpath:db/widgets")
			.run((context) -> {
				assertThat(context).hasFailed();
				ShardMigrationException ex = causeChain(context.getStartupFailure()).stream()
					.filter(ShardMigrationException.class::isInstance)
					.map(ShardMigrationException.class::cast)
					.findFirst()
					.orElseThrow();
				assertThat(ex.getShard()).isEqualTo("b");
				assertThat(ex.getMessage()).contains("shard 'b'");
			});
	}

	@Test
	void strategyBeanWithSameNameAsConfiguredStrategyNamesThatStrategy() {
		InvalidConfigurationPropertyValueException ex = failureOf(
				twoShards().withUserConfiguration(RegionStrategyBean.class)
					.withPropertyValues("shardwise.strategies.region.type=lookup",
							"shardwise.strategies.region.mapping.eu=a"));
		assertThat(ex.getName()).isEqualTo("shardwise.strategies.region");
	}

	@Test
	void twoShardsOnOneInMemoryDatabaseFailNamingBoth() {
		String name = "shared-" + java.util.UUID.randomUUID();
		// Spelled differently: the database, not the URL text, is compared.
		this.runner
			.withPropertyValues("shardwise.shards.a.url=jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1",
					"shardwise.shards.b.url=jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;MODE=REGULAR",
					"shardwise.shards.c.url=" + h2Url("errors-c"))
			.run((context) -> {
				assertThat(context).hasFailed();
				SharedShardDatabaseException ex = causeChain(context.getStartupFailure()).stream()
					.filter(SharedShardDatabaseException.class::isInstance)
					.map(SharedShardDatabaseException.class::cast)
					.findFirst()
					.orElseThrow();
				assertThat(ex.getFirstShard()).isEqualTo("a");
				assertThat(ex.getSecondShard()).isEqualTo("b");
				assertThat(ex).hasMessageContaining("Shards 'a' and 'b'").hasMessageContaining(name);
			});
	}

	@Test
	void twoShardsOnOneFileDatabaseFailNamingBoth(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) {
		java.nio.file.Path file = directory.resolve("shared");
		this.runner
			.withPropertyValues("shardwise.shards.a.url=jdbc:h2:file:" + file,
					"shardwise.shards.b.url=jdbc:h2:" + directory.resolve("sub").resolve("..").resolve("shared")
							+ ";AUTO_SERVER=FALSE")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(allMessages(context.getStartupFailure())).contains("Shards 'a' and 'b'",
						"same database (H2 file database " + file);
			});
	}

	@Test
	void shardsOnDistinctDatabasesStart() {
		twoShards().run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class RegionStrategyBean {

		@Bean
		ShardStrategy region() {
			return (key) -> "a";
		}

	}

}
