package io.shardwise.unitofwork;

import java.sql.Connection;

import io.shardwise.routing.Shard;
import org.springframework.jdbc.datasource.ConnectionHandle;
import org.springframework.jdbc.datasource.ConnectionHolder;

/**
 * The connection holder a unit of work binds for the routing DataSource once it spans
 * several shards: {@code JdbcTemplate} and everything else that asks
 * {@code DataSourceUtils} for the transaction's connection gets the connection of the
 * shard selected at that moment, inside the same transaction. Rollback-only marks go to
 * the transaction manager's own holder, which is the one it consults at commit.
 */
final class RoutingConnectionHolder extends ConnectionHolder {

	private final ConnectionHolder home;

	RoutingConnectionHolder(ShardUnitOfWork unitOfWork, ConnectionHolder home) {
		super(new Handle(unitOfWork, home));
		this.home = home;
		setSynchronizedWithTransaction(true);
		setTransactionActive(true);
	}

	@Override
	public void setRollbackOnly() {
		super.setRollbackOnly();
		this.home.setRollbackOnly();
	}

	@Override
	public boolean isRollbackOnly() {
		return this.home.isRollbackOnly();
	}

	private record Handle(ShardUnitOfWork unitOfWork, ConnectionHolder home) implements ConnectionHandle {

		@Override
		public Connection getConnection() {
			Shard shard = this.unitOfWork.activeShard();
			return shard.equals(this.unitOfWork.homeShard()) ? this.home.getConnection()
					: this.unitOfWork.connection(shard).connection;
		}

		@Override
		public void releaseConnection(Connection connection) {
			// The unit of work closes its connections when the transaction ends.
		}

	}

}
