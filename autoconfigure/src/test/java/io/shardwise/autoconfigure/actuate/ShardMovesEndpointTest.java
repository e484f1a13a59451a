package io.shardwise.autoconfigure.actuate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.audit.ShardedTable;
import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationAutoConfiguration;
import io.shardwise.autoconfigure.ShardwisePlacementAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code shardmoves} endpoint, the placement in {@code /actuator/shards}, and the
 * move metrics.
 */
class ShardMovesEndpointTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class,
				ShardwiseAutoConfiguration.class, ShardwisePlacementAutoConfiguration.class,
				EndpointAutoConfiguration.class, ShardsEndpointAutoConfiguration.class,
				ShardMovesEndpointAutoConfiguration.class))
		.withBean(ShardedTable.class, () -> ShardedTable.keyedBy("items", "id", "name").withStrategy("h"))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("management.endpoints.web.exposure.include=shards,shardmoves",
				"shardwise.shards.a.url=jdbc:h2:mem:moves-a-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"shardwise.shards.b.url=jdbc:h2:mem:moves-b-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"shardwise.strategies.h.type=hash", "shardwise.strategies.h.buckets=8",
				"shardwise.placement.strategy=h");

	@Test
	void showsThePlacementAndRefusesBadMovesWith409() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			ShardMovesEndpoint endpoint = context.getBean(ShardMovesEndpoint.class);
			DocumentContext doc = JsonPath.parse(JsonMapper.builder().build().writeValueAsString(endpoint.moves()));
			assertThat(doc.read("$.strategy", String.class)).isEqualTo("h");
			assertThat(doc.read("$.version", Integer.class)).isOne();
			assertThat(doc.read("$.metadataShard", String.class)).isEqualTo("a");
			assertThat(doc.read("$.bucketShards", Map.class)).containsEntry("0-3", "a").containsEntry("4-7", "b");
			WebEndpointResponse<Object> refused = endpoint.start("1", "zz", null);
			assertThat(refused.getStatus()).isEqualTo(409);
			assertThat(refused.getBody()).isEqualTo(Map.of("refused", "UNKNOWN_SHARD", "message",
					((Map<?, ?>) refused.getBody()).get("message")));
			assertThat(String.valueOf(((Map<?, ?>) refused.getBody()).get("message"))).contains("'zz'");
			assertThat(endpoint.start("x-y", "b", null).getStatus()).isEqualTo(409);
			assertThat(endpoint.cancel().getStatus()).isEqualTo(409);
			assertThat(ShardMovesEndpoint.parse("0-2, 5,7")).containsExactly(0, 1, 2, 5, 7);
			DocumentContext shards = JsonPath
				.parse(JsonMapper.builder().build().writeValueAsString(context.getBean(ShardsEndpoint.class).shards()));
			assertThat(shards.read("$.placement.version", Integer.class)).isOne();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// Spring Boot's metrics auto-configuration binds MeterBinder beans; here, by hand.
			context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(registry));
			assertThat(registry.get("shardwise.placement.version").gauge().value()).isEqualTo(1.0);
			assertThat(registry.get("shardwise.move.phase").gauge().value()).isEqualTo(-1.0);
			assertThat(List.of("shardwise.move.rows.copied", "shardwise.move.catchup.lag", "shardwise.move.pause.max"))
				.allSatisfy((name) -> assertThat(registry.find(name).gauge()).isNotNull());
		});
	}

}
