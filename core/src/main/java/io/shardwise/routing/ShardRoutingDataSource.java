package io.shardwise.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * A DataSource that hands out connections of the shard selected in
 * {@link ShardContext}, or of the shard the current transaction is bound to.
 *
 * <p>Unlike a hand-rolled routing DataSource it has no default target: a connection
 * requested with no shard selected fails with a {@link ShardRoutingException} instead of
 * silently landing on some shard. A shard whose pool cannot deliver a connection fails
 * the call with a {@link ShardUnavailableException} naming that shard, and so does a
 * shard held out of service ({@link ShardAvailability}), at once.
 *
 * <p>Expose it wrapped in a
 * {@link org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy}, so that a
 * transaction fetches its physical connection at its first statement, after the shard
 * has been chosen.
 */
public class ShardRoutingDataSource extends AbstractRoutingDataSource {

	private final Shards shards;

	public ShardRoutingDataSource(Shards shards) {
		this.shards = shards;
		Map<Object, Object> targets = new LinkedHashMap<>();
		shards.all().forEach((shard) -> targets.put(shard.id(), shard.dataSource()));
		setTargetDataSources(targets);
		setLenientFallback(false);
		afterPropertiesSet();
	}

	/**
	 * Return the shards this DataSource routes to.
	 * @return the shards
	 */
	public Shards getShards() {
		return this.shards;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Shard shard = selectedShard();
		this.shards.availability().checkInService(shard);
		try {
			return StatementCancellation.connect(shard.dataSource()::getConnection);
		}
		catch (SQLException ex) {
			throw new ShardUnavailableException(shard.id(), ex);
		}
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		Shard shard = selectedShard();
		this.shards.availability().checkInService(shard);
		try {
			return StatementCancellation.connect(() -> shard.dataSource().getConnection(username, password));
		}
		catch (SQLException ex) {
			throw new ShardUnavailableException(shard.id(), ex);
		}
	}

	@Override
	protected Object determineCurrentLookupKey() {
		Shard shard = ShardContext.effectiveShard();
		return (shard != null) ? shard.id() : null;
	}

	@Override
	protected DataSource determineTargetDataSource() {
		return selectedShard().dataSource();
	}

	private static Shard selectedShard() {
		Shard shard = ShardContext.effectiveShard();
		if (shard == null) {
			throw new ShardRoutingException("No shard selected for this connection: call it through a method with a "
					+ "@ShardKey argument, save an entity with a @ShardKey field, or use ShardTemplate");
		}
		return shard;
	}

}
