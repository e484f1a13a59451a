package io.shardwise.movetest;

/**
 * Fan-outs during a move, on five in-memory H2 shards.
 */
class H2MoveFanOutTest extends MoveFanOutTests {

	@Override
	LiveMoveTests databases() {
		return new H2MoveTest();
	}

}
