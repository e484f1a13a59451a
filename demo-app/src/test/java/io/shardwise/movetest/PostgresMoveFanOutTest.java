package io.shardwise.movetest;

import io.shardwise.demo.PostgresServersForMoveTests;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fan-outs during a move, on real PostgreSQL servers.
 */
@ExtendWith(PostgresServersForMoveTests.class)
class PostgresMoveFanOutTest extends MoveFanOutTests {

	@Override
	LiveMoveTests databases() {
		return new PostgresMoveTest();
	}

}
