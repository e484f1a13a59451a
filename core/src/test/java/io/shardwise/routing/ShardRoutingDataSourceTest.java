package io.shardwise.routing;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ShardRoutingDataSourceTest {

	private final Shards shards = new Shards(dataSources(), 0);

	private final ShardRoutingDataSource dataSource = new ShardRoutingDataSource(this.shards);

	@AfterEach
	void shutDown() throws Throwable {
		ShardContext.callOn(this.shards.get("up"), () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				connection.createStatement().execute("SHUTDOWN");
			}
			return null;
		});
	}

	@Test
	void connectsToTheSelectedShard() throws Throwable {
		String url = ShardContext.callOn(this.shards.get("up"), () -> {
			try (Connection connection = this.dataSource.getConnection()) {
				return connection.getMetaData().getURL();
			}
		});
		assertThat(url).contains("routing-up");
	}

	@Test
	void shardWhoseDatabaseCannotBeReachedIsNamedAsUnavailable() {
		assertThatExceptionOfType(ShardUnavailableException.class)
			.isThrownBy(() -> ShardContext.callOn(this.shards.get("down"), () -> this.dataSource.getConnection()))
			.withMessageContaining("'down'")
			.isInstanceOf(DataAccessResourceFailureException.class)
			.satisfies((ex) -> assertThat(ex.getShard()).isEqualTo("down"))
			.havingCause()
			.withMessageContaining("not found");
	}

	@Test
	void noShardSelectedIsARoutingError() {
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(this.dataSource::getConnection)
			.withMessageContaining("No shard selected");
	}

	private static Map<String, DataSource> dataSources() {
		JdbcDataSource up = new JdbcDataSource();
		up.setURL("jdbc:h2:mem:routing-up;DB_CLOSE_DELAY=-1");
		JdbcDataSource down = new JdbcDataSource();
		// IFEXISTS refuses to create the database: a real driver error, as for a server that is down.
		down.setURL("jdbc:h2:mem:routing-down-never-created;IFEXISTS=TRUE");
		Map<String, DataSource> dataSources = new LinkedHashMap<>();
		dataSources.put("up", up);
		dataSources.put("down", down);
		return dataSources;
	}

}
