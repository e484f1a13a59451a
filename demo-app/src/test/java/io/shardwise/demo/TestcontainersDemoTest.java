package io.shardwise.demo;

import org.junit.jupiter.api.Nested;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

/**
 * The demo's behaviour tests on four PostgreSQL containers, for machines with Docker;
 * skipped without it. {@link PostgresDemoTest} runs the same tests on embedded servers.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import({ PostgresContainersConfiguration.class, FanOutCounter.class })
class TestcontainersDemoTest {

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
	class BadInput extends BadInputTests {

	}

}
