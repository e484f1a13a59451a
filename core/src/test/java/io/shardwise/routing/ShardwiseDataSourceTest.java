package io.shardwise.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.ConnectionProxy;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's DataSource hands out the selected shard's connection itself where
 * nothing can come between handing it out and its first statement, and a lazy proxy
 * inside transaction synchronization, where the shard may be chosen later.
 */
class ShardwiseDataSourceTest {

	private final H2Shards h2 = H2Shards.create("a", "b");

	private final ShardwiseDataSource dataSource = new ShardwiseDataSource(this.h2.shards());

	@AfterEach
	void tearDown() throws Exception {
		this.h2.close();
	}

	@Test
	void outsideATransactionTheSelectedShardsConnectionItself() throws Throwable {
		ShardContext.callOn(this.h2.shard("b"), () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				assertThat(connection).isNotInstanceOf(ConnectionProxy.class);
				assertThat(databaseOf(connection)).isEqualTo(databaseOf("b"));
			}
			return null;
		});
	}

	@Test
	void insideSynchronizationALazyConnectionThatTakesTheShardOfItsFirstStatement() throws Throwable {
		TransactionSynchronizationManager.initSynchronization();
		try (Connection connection = ShardContext.callOn(this.h2.shard("a"), this.dataSource::getConnection)) {
			assertThat(connection).isInstanceOf(ConnectionProxy.class);
			String database = ShardContext.callOn(this.h2.shard("b"), () -> databaseOf(connection));
			assertThat(database).isEqualTo(databaseOf("b"));
		}
		finally {
			TransactionSynchronizationManager.clearSynchronization();
		}
	}

	@Test
	void withoutASelectedShardALazyConnection() throws Exception {
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection).isInstanceOf(ConnectionProxy.class);
		}
	}

	private String databaseOf(String shard) throws Exception {
		try (Connection connection = this.h2.dataSource(shard).getConnection()) {
			return databaseOf(connection);
		}
	}

	private static String databaseOf(Connection connection) throws Exception {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select database()")) {
			rs.next();
			return rs.getString(1);
		}
	}

}
