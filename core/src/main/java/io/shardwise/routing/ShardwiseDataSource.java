package io.shardwise.routing;

import java.sql.Connection;
import java.sql.SQLException;

import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The application's DataSource: connections of the selected shard, through a
 * {@link ShardRoutingDataSource}, handed out as lazy proxies that fetch the shard's
 * connection at their first statement. So a shard chosen before the first statement
 * wins, even inside an already-open transaction, and a shard that cannot deliver a
 * connection fails that statement with a {@link ShardUnavailableException} naming it.
 * (Handing out the shard's connection directly when a shard is already selected would
 * save a proxy per connection, but a transaction beginning would then report a dead
 * shard as a {@code CannotCreateTransactionException}.)
 */
public class ShardwiseDataSource extends LazyConnectionDataSourceProxy {

	/**
	 * Create the DataSource of a set of shards. The connection defaults that the lazy
	 * proxy reports before fetching a connection (auto-commit, isolation) are read from the
	 * first shard in service now, as no shard is selected later when they are needed; shards share
	 * one kind of database.
	 * @param shards the shards
	 */
	public ShardwiseDataSource(Shards shards) {
		super(new ShardRoutingDataSource(shards));
		Shard first = shards.all()
			.stream()
			.filter((shard) -> shards.availability().isInService(shard.id()))
			.findFirst()
			.orElse(shards.all().get(0));
		try (Connection connection = first.dataSource().getConnection()) {
			setDefaultAutoCommit(connection.getAutoCommit());
			setDefaultTransactionIsolation(connection.getTransactionIsolation());
		}
		catch (SQLException ex) {
			// The first shard is down: assume the JDBC defaults rather than fail startup.
			setDefaultAutoCommit(true);
			setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		}
	}

}
