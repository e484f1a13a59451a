package io.shardwise.demo;

import org.junit.jupiter.api.Nested;

/**
 * The demo's behaviour tests on four in-memory H2 shards.
 */
@H2ShardsTest
class H2DemoTest {

	@Nested
	class SeedScenario extends SeedScenarioTests {

	}

	@Nested
	class Routing extends ShardRoutingTests {

	}

	@Nested
	class Transactions extends TransactionRoutingTests {

	}

	@Nested
	class FanOutMerge extends FanOutMergeTests {

	}

	@Nested
	class Concurrency extends ConcurrentRoutingTests {

	}

	@Nested
	class LoadConsistency extends LoadConsistencyTests {

		// Half of the PostgreSQL run's operations: the other half is the MariaDB run's.
		@Override
		int operationsPerThread() {
			return OPERATIONS_PER_THREAD / 2;
		}

	}

	@Nested
	class BadInput extends BadInputTests {

	}

	@Nested
	class Aggregates extends AggregateSemanticsTests {

	}

	@Nested
	class HostileRequests extends HostileRequestTests {

	}

}
