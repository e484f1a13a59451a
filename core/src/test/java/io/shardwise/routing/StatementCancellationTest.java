package io.shardwise.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link StatementCancellation#cancel(List)} tells a caller about a shard call on a
 * real H2 database: whether interrupting the call's thread is safe, and which
 * statements to cancel instead.
 */
class StatementCancellationTest {

	private final JdbcDataSource database = new JdbcDataSource();

	StatementCancellationTest() {
		this.database.setURL("jdbc:h2:mem:cancellation-" + UUID.randomUUID());
	}

	@Test
	void aCallWithoutAConnectionMayBeInterrupted() {
		StatementCancellation cancellation = new StatementCancellation(0, false, false);
		List<Statement> running = new ArrayList<>();
		assertThat(cancellation.cancel(running)).isFalse();
		assertThat(running).isEmpty();
	}

	@Test
	void aCallHoldingAConnectionWithoutAStatementYetIsNotToBeInterrupted() throws SQLException {
		StatementCancellation cancellation = new StatementCancellation(0, false, false);
		cancellation.enter();
		try (Connection connection = StatementCancellation.connect(this.database::getConnection)) {
			List<Statement> running = new ArrayList<>();
			assertThat(cancellation.cancel(running)).isTrue();
			assertThat(running).isEmpty();
			assertThatExceptionOfType(SQLTimeoutException.class)
				.isThrownBy(() -> connection.prepareStatement("select 1"))
				.withMessageContaining("was cancelled");
		}
		finally {
			cancellation.exit();
		}
	}

	@Test
	void aCallsStatementsAreHandedOverToBeCancelledUntilItsConnectionCloses() throws SQLException {
		StatementCancellation cancellation = new StatementCancellation(0, false, false);
		cancellation.enter();
		try {
			PreparedStatement statement;
			try (Connection connection = StatementCancellation.connect(this.database::getConnection)) {
				statement = connection.prepareStatement("select 1");
				List<Statement> running = new ArrayList<>();
				assertThat(cancellation.cancel(running)).isTrue();
				assertThat(running).containsExactly(statement);
			}
			List<Statement> afterClose = new ArrayList<>();
			assertThat(cancellation.cancel(afterClose)).isFalse();
			assertThat(afterClose).isEmpty();
		}
		finally {
			cancellation.exit();
		}
	}

}
