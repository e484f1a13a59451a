package io.shardwise.movetest;

import java.util.List;
import java.util.UUID;

/**
 * The mover on five in-memory H2 shards.
 */
class H2MoveTest extends MoveScenarioTests {

	@Override
	List<String> urls(String name) {
		String run = UUID.randomUUID().toString().substring(0, 8);
		return MoveTestInstance.SHARDS.stream()
			.map((shard) -> "jdbc:h2:mem:move-" + name + "-" + run + "-" + shard + ";DB_CLOSE_DELAY=-1")
			.toList();
	}

}
