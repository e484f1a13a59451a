package io.shardwise.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.shardwise.ShardTemplate;
import io.shardwise.migration.ShardMigrator;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingDataSource;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.Shards;
import io.shardwise.strategy.HashShardStrategy;
import io.shardwise.strategy.ShardStrategy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

import static io.shardwise.autoconfigure.ShardwiseTestSupport.allMessages;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.countItems;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.h2Url;
import static io.shardwise.autoconfigure.ShardwiseTestSupport.hasTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The beans Shardwise creates on real H2 shards, and how they route.
 */
class ShardwiseAutoConfigurationTest {

	private final ApplicationContextRunner runner = ShardwiseTestSupport.runner();

	private ApplicationContextRunner southNorth() {
		return this.runner.withPropertyValues("shardwise.shards.south.url=" + h2Url("south"),
				"shardwise.shards.north.url=" + h2Url("north"), "shardwise.strategies.region.type=lookup",
				"shardwise.strategies.region.mapping.eu=south", "shardwise.strategies.region.mapping.us=north");
	}

	@Test
	void createsOneRoutingDataSourceAndTheShardwiseBeans() {
		southNorth().run((context) -> {
			assertThat(context).hasNotFailed();
			Map<String, DataSource> dataSources = context.getBeansOfType(DataSource.class);
			assertThat(dataSources).hasSize(1);
			DataSource dataSource = dataSources.values().iterator().next();
			assertThat(dataSource).isInstanceOf(LazyConnectionDataSourceProxy.class);
			assertThat(((LazyConnectionDataSourceProxy) dataSource).getTargetDataSource())
				.isInstanceOf(ShardRoutingDataSource.class);
			assertThat(context).hasSingleBean(Shards.class)
				.hasSingleBean(ShardRouter.class)
				.hasSingleBean(ShardTemplate.class)
				.hasSingleBean(ShardMigrator.class);
			assertThat(context.getBean(Shards.class).ids()).containsExactly("north", "south");
		});
	}

	@Test
	void explicitIndexesNumberAndOrderTheShards() {
		southNorth().withPropertyValues("shardwise.shards.south.index=0", "shardwise.shards.north.index=7")
			.run((context) -> {
				Shards shards = context.getBean(Shards.class);
				assertThat(shards.ids()).containsExactly("south", "north");
				assertThat(shards.get("north").index()).isEqualTo(7);
				assertThat(shards.at(7).id()).isEqualTo("north");
				assertThat(shards.at(1)).isNull();
				assertThat(io.shardwise.id.ShardIds.shardIndexOf(shards.get("north").nextId())).isEqualTo(7);
			});
	}

	@Test
	void overridingOneShardFromAnotherPropertySourceDoesNotRenumberTheShards() {
		// Boot binds map keys in property-source precedence order: an override of one shard
		// (environment variable, command line) would put it first. Indexes must not follow.
		String[] yaml = { "shardwise.shards.west.url=" + h2Url("west"), "shardwise.shards.east.url=" + h2Url("east") };
		this.runner.withPropertyValues(yaml).run((plain) -> this.runner.withPropertyValues(yaml)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new org.springframework.core.env.MapPropertySource("override",
						Map.of("shardwise.shards.east.pool.maximum-pool-size", "3"))))
			.run((overridden) -> {
				Shards before = plain.getBean(Shards.class);
				Shards after = overridden.getBean(Shards.class);
				assertThat(after.ids()).isEqualTo(before.ids()).containsExactly("east", "west");
				assertThat(after.get("east").index()).isEqualTo(before.get("east").index());
				assertThat(after.get("east").dataSource()).extracting("maximumPoolSize").isEqualTo(3);
			}));
	}

	@Test
	void shardIdsWithUnderscoresWorkInBracketNotation() {
		this.runner
			.withPropertyValues("shardwise.shards.[north_america].url=" + h2Url("north-america"),
					"shardwise.shards.[south_america].url=" + h2Url("south-america"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Shards shards = context.getBean(Shards.class);
				assertThat(shards.ids()).containsExactly("north_america", "south_america");
				assertThat(hasTable(shards.get("north_america").dataSource(), "items")).isTrue();
			});
	}

	@Test
	void shardPoolsAreNamedAfterTheirShardAndClosedWithTheContext() {
		HikariDataSource[] pools = new HikariDataSource[2];
		southNorth().run((context) -> {
			Shards shards = context.getBean(Shards.class);
			pools[0] = (HikariDataSource) shards.get("south").dataSource();
			pools[1] = (HikariDataSource) shards.get("north").dataSource();
			assertThat(pools[0].getPoolName()).isEqualTo("shardwise-south");
			assertThat(pools[0].isClosed()).isFalse();
		});
		assertThat(pools[0].isClosed()).isTrue();
		assertThat(pools[1].isClosed()).isTrue();
	}

	@Test
	void poolSettingsAreApplied() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("pool-a"), "shardwise.shards.a.username=sa",
					"shardwise.shards.a.pool.maximum-pool-size=3", "shardwise.shards.a.pool.connection-timeout=2s")
			.run((context) -> {
				HikariDataSource pool = (HikariDataSource) context.getBean(Shards.class).get("a").dataSource();
				assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
				assertThat(pool.getMinimumIdle()).isEqualTo(3);
				assertThat(pool.getConnectionTimeout()).isEqualTo(2000);
				assertThat(pool.getUsername()).isEqualTo("sa");
			});
	}

	@Test
	void everyHikariSettingCanBeSetPerShard() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("pool-all"), "shardwise.shards.a.username=sa",
					"shardwise.shards.a.pool.keepalive-time=45s", "shardwise.shards.a.pool.validation-timeout=3s",
					"shardwise.shards.a.pool.leak-detection-threshold=20s",
					"shardwise.shards.a.pool.initialization-fail-timeout=5s",
					"shardwise.shards.a.pool.connection-init-sql=select 1",
					"shardwise.shards.a.pool.connection-test-query=select 2",
					"shardwise.shards.a.pool.transaction-isolation=TRANSACTION_READ_COMMITTED",
					"shardwise.shards.a.pool.schema=PUBLIC", "shardwise.shards.a.pool.read-only=true",
					"shardwise.shards.a.pool.auto-commit=false", "shardwise.shards.a.pool.isolate-internal-queries=true",
					"shardwise.shards.a.pool.allow-pool-suspension=true",
					"shardwise.shards.a.pool.data-source-properties.LOCK_TIMEOUT=1234",
					"shardwise.shards.a.pool.health-check-properties.connectivityCheckTimeoutMs=777")
			.run((context) -> {
				HikariDataSource pool = (HikariDataSource) context.getBean(Shards.class).get("a").dataSource();
				assertThat(pool.getKeepaliveTime()).isEqualTo(45_000);
				assertThat(pool.getValidationTimeout()).isEqualTo(3_000);
				assertThat(pool.getLeakDetectionThreshold()).isEqualTo(20_000);
				assertThat(pool.getInitializationFailTimeout()).isEqualTo(5_000);
				assertThat(pool.getConnectionInitSql()).isEqualTo("select 1");
				assertThat(pool.getConnectionTestQuery()).isEqualTo("select 2");
				assertThat(pool.getTransactionIsolation()).isEqualTo("TRANSACTION_READ_COMMITTED");
				assertThat(pool.getSchema()).isEqualTo("PUBLIC");
				assertThat(pool.isReadOnly()).isTrue();
				assertThat(pool.isAutoCommit()).isFalse();
				assertThat(pool.isIsolateInternalQueries()).isTrue();
				assertThat(pool.isAllowPoolSuspension()).isTrue();
				assertThat(pool.getDataSourceProperties()).containsEntry("LOCK_TIMEOUT", "1234");
				assertThat(pool.getHealthCheckProperties()).containsEntry("connectivityCheckTimeoutMs", "777");
				assertThat(pool.getPoolName()).isEqualTo("shardwise-a");
			});
	}

	@Test
	void shardsConnectOnFirstUseByDefault() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("pool-default"), "shardwise.shards.a.username=sa")
			.run((context) -> {
				HikariDataSource pool = (HikariDataSource) context.getBean(Shards.class).get("a").dataSource();
				assertThat(pool.getInitializationFailTimeout()).isEqualTo(-1);
				assertThat(pool.getKeepaliveTime()).isEqualTo(120_000);
				assertThat(pool.isAutoCommit()).isTrue();
			});
	}

	@Test
	void migrationsRunOnEveryShard() {
		southNorth().run((context) -> {
			Shards shards = context.getBean(Shards.class);
			for (String id : shards.ids()) {
				DataSource shard = shards.get(id).dataSource();
				assertThat(hasTable(shard, "items")).as("items on %s", id).isTrue();
				List<String> versions = new JdbcTemplate(shard).queryForList(
						"select \"version\" from \"flyway_schema_history\" where \"success\" = true and \"version\" is not null", String.class);
				assertThat(versions).as("applied migrations on %s", id).containsExactly("1");
			}
		});
	}

	@Test
	void migrationCanBeDisabled() {
		southNorth().withPropertyValues("shardwise.migration.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ShardMigrator.class);
			Shards shards = context.getBean(Shards.class);
			assertThat(hasTable(shards.get("south").dataSource(), "items")).isFalse();
			assertThat(hasTable(shards.get("north").dataSource(), "items")).isFalse();
		});
	}

	@Test
	void onShardOfRoutesJdbcTemplateToTheMappedShard() {
		southNorth().run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			ShardTemplate template = context.getBean(ShardTemplate.class);
			Shards shards = context.getBean(Shards.class);
			String euShard = template.onShardOf("eu", (shardId) -> {
				jdbc.update("insert into items (id, k) values (?, ?)", 1L, "eu");
				return shardId;
			});
			assertThat(euShard).isEqualTo("south");
			assertThat(countItems(shards.get("south").dataSource())).isEqualTo(1);
			assertThat(countItems(shards.get("north").dataSource())).isZero();

			template.onShardOf("us", (shardId) -> jdbc.update("insert into items (id, k) values (?, ?)", 2L, "us"));
			template.onShardOf("us", (shardId) -> jdbc.update("insert into items (id, k) values (?, ?)", 3L, "us"));
			assertThat(new JdbcTemplate(shards.get("north").dataSource()).queryForList("select k from items",
					String.class))
				.containsExactly("us", "us");
			assertThat(new JdbcTemplate(shards.get("south").dataSource()).queryForList("select k from items",
					String.class))
				.containsExactly("eu");
			Integer usCount = template.onShardOf("us", (shardId) -> countItems(context.getBean(DataSource.class)));
			assertThat(usCount).isEqualTo(2);
		});
	}

	@Test
	void routingDataSourceWithoutSelectedShardFails() {
		southNorth().run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThatExceptionOfType(ShardRoutingException.class)
				.isThrownBy(() -> jdbc.queryForObject("select count(*) from items", Integer.class));
			assertThatExceptionOfType(ShardRoutingException.class)
				.isThrownBy(() -> jdbc.update("insert into items (id, k) values (9, 'x')"));
			Shards shards = context.getBean(Shards.class);
			assertThat(countItems(shards.get("south").dataSource())).isZero();
			assertThat(countItems(shards.get("north").dataSource())).isZero();
		});
	}

	@Test
	void disabledCreatesNoShardwiseBeans() {
		String url = h2Url("disabled");
		this.runner.withPropertyValues("shardwise.enabled=false", "shardwise.shards.a.url=" + url).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(Shards.class)
				.doesNotHaveBean(DataSource.class)
				.doesNotHaveBean(ShardRouter.class)
				.doesNotHaveBean(ShardTemplate.class)
				.doesNotHaveBean(ShardMigrator.class);
		});
		try (Connection connection = DriverManager.getConnection(url);
				ResultSet tables = connection.getMetaData().getTables(null, null, "ITEMS", null)) {
			assertThat(tables.next()).as("items table created although Shardwise is disabled").isFalse();
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	@Test
	void disabledDoesNotRequireShards() {
		this.runner.withPropertyValues("shardwise.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(Shards.class));
	}

	@Test
	void userStrategyBeanIsUsableByNameAndAsDefault() {
		this.runner.withUserConfiguration(EvenOddStrategy.class)
			.withPropertyValues("shardwise.shards.even.url=" + h2Url("even"),
					"shardwise.shards.odd.url=" + h2Url("odd"), "shardwise.default-strategy=even-odd")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShardRouter router = context.getBean(ShardRouter.class);
				assertThat(router.shardFor("even-odd", 3).id()).isEqualTo("odd");
				assertThat(router.shardFor("even-odd", 4).id()).isEqualTo("even");
				assertThat(router.shardFor("", 7).id()).isEqualTo("odd");
				String shardOfTen = context.getBean(ShardTemplate.class).onShardOf(10, (shardId) -> shardId);
				assertThat(shardOfTen).isEqualTo("even");
			});
	}

	@Test
	void userStrategyBeanCoexistsWithConfiguredStrategies() {
		this.runner.withUserConfiguration(EvenOddStrategy.class)
			.withPropertyValues("shardwise.shards.even.url=" + h2Url("even"),
					"shardwise.shards.odd.url=" + h2Url("odd"), "shardwise.strategies.region.type=lookup",
					"shardwise.strategies.region.mapping.eu=odd", "shardwise.default-strategy=region")
			.run((context) -> {
				ShardRouter router = context.getBean(ShardRouter.class);
				assertThat(router.shardFor("even-odd", 2).id()).isEqualTo("even");
				assertThat(router.shardFor("", "eu").id()).isEqualTo("odd");
			});
	}

	@Test
	void singleConfiguredStrategyIsTheDefault() {
		southNorth().run((context) -> assertThat(context.getBean(ShardRouter.class).resolveStrategy(""))
			.isEqualTo("region"));
	}

	@Test
	void hashStrategyWithBucketShardsRoutesByBucket() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("hash-a"), "shardwise.shards.b.url=" + h2Url("hash-b"),
					"shardwise.strategies.h.type=hash", "shardwise.strategies.h.buckets=4",
					"shardwise.strategies.h.bucket-shards.[0-1]=a", "shardwise.strategies.h.bucket-shards.[2-3]=b")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShardRouter router = context.getBean(ShardRouter.class);
				HashShardStrategy reference = new HashShardStrategy(List.of("x", "x", "x", "x"));
				Set<String> used = new HashSet<>();
				for (int key = 0; key < 200; key++) {
					String expected = (reference.bucketOf(key) <= 1) ? "a" : "b";
					String actual = router.shardFor("h", key).id();
					assertThat(actual).as("shard of key %d", key).isEqualTo(expected);
					used.add(actual);
				}
				assertThat(used).containsExactlyInAnyOrder("a", "b");
			});
	}

	@Test
	void hashStrategyWithSingleBucketEntries() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("hash1-a"),
					"shardwise.shards.b.url=" + h2Url("hash1-b"), "shardwise.strategies.h.type=hash",
					"shardwise.strategies.h.buckets=3", "shardwise.strategies.h.bucket-shards.[0]=b",
					"shardwise.strategies.h.bucket-shards.[1-2]=a")
			.run((context) -> {
				ShardRouter router = context.getBean(ShardRouter.class);
				HashShardStrategy reference = new HashShardStrategy(List.of("b", "a", "a"));
				for (int key = 0; key < 100; key++) {
					assertThat(router.shardFor("h", "key-" + key).id()).isEqualTo(reference.shardFor("key-" + key));
				}
			});
	}

	@Test
	void hashStrategyWithoutBucketShardsSpreadsOverAllShards() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("spread-a"),
					"shardwise.shards.b.url=" + h2Url("spread-b"), "shardwise.shards.c.url=" + h2Url("spread-c"),
					"shardwise.strategies.h.type=hash")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShardRouter router = context.getBean(ShardRouter.class);
				HashShardStrategy reference = HashShardStrategy.evenlySpread(1024, List.of("a", "b", "c"));
				Set<String> used = new HashSet<>();
				for (int key = 0; key < 300; key++) {
					String actual = router.shardFor("h", key).id();
					assertThat(actual).as("shard of key %d", key).isEqualTo(reference.shardFor(key));
					used.add(actual);
				}
				assertThat(used).containsExactlyInAnyOrder("a", "b", "c");
			});
	}

	@Test
	void rangeStrategyRoutesByRange() {
		this.runner
			.withPropertyValues("shardwise.shards.low.url=" + h2Url("low"), "shardwise.shards.high.url=" + h2Url("high"),
					"shardwise.strategies.r.type=range", "shardwise.strategies.r.ranges[0].to=1000",
					"shardwise.strategies.r.ranges[0].shard=low", "shardwise.strategies.r.ranges[1].from=1000",
					"shardwise.strategies.r.ranges[1].shard=high")
			.run((context) -> {
				ShardRouter router = context.getBean(ShardRouter.class);
				assertThat(router.shardFor("r", -5).id()).isEqualTo("low");
				assertThat(router.shardFor("r", 999).id()).isEqualTo("low");
				assertThat(router.shardFor("r", 1000).id()).isEqualTo("high");
				assertThat(router.shardFor("", Long.MAX_VALUE).id()).isEqualTo("high");
			});
	}

	@Test
	void placeholdersInShardUrlsAreResolved() {
		String url = h2Url("placeholder");
		this.runner.withPropertyValues("MY_URL=" + url, "shardwise.shards.a.url=${MY_URL}").run((context) -> {
			assertThat(context).hasNotFailed();
			DataSource shard = context.getBean(Shards.class).get("a").dataSource();
			assertThat(((HikariDataSource) shard).getJdbcUrl()).isEqualTo(url);
			assertThat(hasTable(shard, "items")).isTrue();
		});
	}

	@Test
	void shardToStringMasksPasswords() {
		ShardwiseProperties.Shard shard = new ShardwiseProperties.Shard();
		shard.setUrl("jdbc:postgresql://u:secret@host/db?password=secret2");
		shard.setUsername("app");
		shard.setPassword("secret3");
		String text = shard.toString();
		assertThat(text).doesNotContain("secret")
			.contains("jdbc:postgresql://")
			.contains("@host/db?password=")
			.contains("username=app")
			.contains("password=******");
	}

	@Test
	void shardToStringWithoutPassword() {
		ShardwiseProperties.Shard shard = new ShardwiseProperties.Shard();
		shard.setUrl("jdbc:h2:mem:x");
		assertThat(shard.toString()).contains("url=jdbc:h2:mem:x").contains("password=null");
	}

	@Test
	void badDriverClassFailureDoesNotLeakThePassword() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=jdbc:h2:mem:leak;PASSWORD=secret1",
					"shardwise.shards.a.username=sa", "shardwise.shards.a.password=secret2",
					"shardwise.shards.a.driver-class-name=com.example.NoSuchDriver")
			.run((context) -> {
				assertThat(context).hasFailed();
				String messages = allMessages(context.getStartupFailure());
				assertThat(messages).contains("com.example.NoSuchDriver").doesNotContain("secret");
			});
	}

	@Test
	void badDriverClassFailureNamesTheShard() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=" + h2Url("driver-a"),
					"shardwise.shards.b.url=" + h2Url("driver-b"),
					"shardwise.shards.b.driver-class-name=com.example.NoSuchDriver")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(allMessages(context.getStartupFailure())).contains("shard 'b'");
			});
	}

	@Test
	void unknownUrlFailureDoesNotLeakThePasswordInTheUrl() {
		this.runner.withPropertyValues("shardwise.shards.a.url=jdbc:nosuchdb://u:secret1@host/db?password=secret2",
				"shardwise.shards.a.password=secret3")
			.run((context) -> {
				assertThat(context).hasFailed();
				String messages = allMessages(context.getStartupFailure());
				assertThat(messages).contains("shard 'a'").doesNotContain("secret");
			});
	}

	@Test
	void driverRejectingUrlFailureDoesNotLeakThePasswordInTheUrl() {
		this.runner
			.withPropertyValues("shardwise.shards.a.url=jdbc:postgresql://u:secret1@host/db?password=secret2",
					"shardwise.shards.a.driver-class-name=org.h2.Driver")
			.run((context) -> {
				assertThat(context).hasFailed();
				String messages = allMessages(context.getStartupFailure());
				assertThat(messages).contains("shard 'a'").doesNotContain("secret");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class EvenOddStrategy {

		@Bean("even-odd")
		ShardStrategy evenOdd() {
			return (key) -> (((Number) key).longValue() % 2 == 0) ? "even" : "odd";
		}

	}

}
