package io.shardwise.autoconfigure.actuate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationAutoConfiguration;
import io.shardwise.routing.Shards;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code shards} endpoint on real H2 shards: the JSON shape, masked URLs, pool
 * statistics, strategy maps and the schema drift flag.
 */
class ShardsEndpointTest {

	private static final String PASSWORD = "s3cret-pw";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class,
				ShardwiseAutoConfiguration.class, EndpointAutoConfiguration.class,
				ShardsEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=shards",
				"shardwise.shards.south.url=jdbc:h2:mem:south-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;USER=sa;PASSWORD="
						+ PASSWORD,
				"shardwise.shards.south.pool.maximum-pool-size=3",
				"shardwise.shards.north.url=jdbc:h2:mem:north-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"shardwise.shards.north.pool.maximum-pool-size=2", "shardwise.default-strategy=region",
				"shardwise.strategies.region.type=lookup", "shardwise.strategies.region.mapping.eu=south",
				"shardwise.strategies.region.mapping.us=north", "shardwise.strategies.hashed.type=hash",
				"shardwise.strategies.hashed.buckets=8", "shardwise.strategies.ranged.type=range",
				"shardwise.strategies.ranged.ranges[0].to=100", "shardwise.strategies.ranged.ranges[0].shard=south",
				"shardwise.strategies.ranged.ranges[1].from=100", "shardwise.strategies.ranged.ranges[1].shard=north");

	@Test
	void describesShardsPoolsStrategiesAndSchemaVersions() {
		this.runner.run((context) -> {
			String json = json(context.getBean(ShardsEndpoint.class));
			assertThat(json).doesNotContain(PASSWORD);
			DocumentContext doc = JsonPath.parse(json);
			assertThat(doc.read("$.shards[*].id", List.class)).containsExactly("north", "south");
			assertThat(doc.read("$.shards[0].index", Integer.class)).isZero();
			assertThat(doc.read("$.shards[1].url", String.class)).startsWith("jdbc:h2:mem:south-")
				.endsWith(";DB_CLOSE_DELAY=-1;USER=sa;PASSWORD=******");
			assertThat(doc.read("$.shards[1].pool", Map.class)).containsEntry("name", "shardwise-south")
				.containsEntry("maximumSize", 3)
				.containsKeys("total", "active", "idle", "pending");
			assertThat(doc.read("$.shards[1].pool.active", Integer.class)).isZero();
			assertThat(doc.read("$.shards[0].pool.maximumSize", Integer.class)).isEqualTo(2);
			assertThat(doc.read("$.shards[*].schemaVersion", List.class)).containsExactly("1", "1");
			assertThat(doc.read("$.schemaDrift", Boolean.class)).isFalse();
			assertThat(doc.read("$.defaultStrategy", String.class)).isEqualTo("region");
			assertThat(doc.read("$.strategies.region", Map.class)).containsEntry("type", "lookup")
				.containsEntry("mapping", Map.of("eu", "south", "us", "north"));
			assertThat(doc.read("$.strategies.hashed.type", String.class)).isEqualTo("hash");
			assertThat(doc.read("$.strategies.hashed.buckets", Integer.class)).isEqualTo(8);
			assertThat(doc.read("$.strategies.hashed.bucketShards", Map.class))
				.containsExactly(Map.entry("0-3", "north"), Map.entry("4-7", "south"));
			assertThat(doc.read("$.strategies.ranged.type", String.class)).isEqualTo("range");
			assertThat(doc.read("$.strategies.ranged.ranges[*].shard", List.class)).containsExactly("south", "north");
			assertThat(doc.read("$.strategies.ranged.ranges[0].to", Integer.class)).isEqualTo(100);
		});
	}

	@Test
	void flagsDriftWhenShardsAreAtDifferentSchemaVersions() {
		this.runner.run((context) -> {
			Flyway.configure()
				.dataSource(context.getBean(Shards.class).get("north").dataSource())
				.locations("classpath:db/migration", "classpath:db/drift")
				.load()
				.migrate();
			DocumentContext doc = JsonPath.parse(json(context.getBean(ShardsEndpoint.class)));
			assertThat(doc.read("$.shards[*].schemaVersion", List.class)).containsExactly("2", "1");
			assertThat(doc.read("$.schemaDrift", Boolean.class)).isTrue();
		});
	}

	@Test
	void withoutFlywayTheSchemaVersionsAreUnknown() {
		this.runner.withClassLoader(new FilteredClassLoader(Flyway.class)).run((context) -> {
			ShardsEndpoint.ShardsDescriptor shards = context.getBean(ShardsEndpoint.class).shards();
			assertThat(shards.shards()).extracting(ShardsEndpoint.ShardDescriptor::schemaVersion)
				.containsOnlyNulls();
			assertThat(shards.schemaDrift()).isNull();
		});
	}

	@Test
	void isNotCreatedUnlessExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardsEndpoint.class));
	}

	@Test
	void summarizesBucketsAsContiguousRanges() {
		assertThat(ShardsEndpoint.bucketRanges(List.of("a", "a", "b", "a", "c", "c")))
			.containsExactly(Map.entry("0-1", "a"), Map.entry("2", "b"), Map.entry("3", "a"), Map.entry("4-5", "c"));
	}

	private static String json(ShardsEndpoint endpoint) {
		return JsonMapper.builder().build().writeValueAsString(endpoint.shards());
	}

}
