package io.shardwise.movetest;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.shardwise.demo.PostgresServersForMoveTests;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mover on real PostgreSQL servers: the four shards' servers of the test run, and the
 * new fifth shard as another database on the first server.
 */
@ExtendWith(PostgresServersForMoveTests.class)
class PostgresMoveTest extends MoveScenarioTests {

	private static final AtomicInteger databases = new AtomicInteger();

	@Override
	List<String> urls(String name) {
		return PostgresServersForMoveTests.fiveShards("move_" + name.toLowerCase() + "_" + databases.incrementAndGet());
	}

	@Override
	boolean sharedRowLocks() {
		return true;
	}

	@Override
	String user() {
		return PostgresServersForMoveTests.USER;
	}

	@Override
	String password() {
		return PostgresServersForMoveTests.PASSWORD;
	}

}
