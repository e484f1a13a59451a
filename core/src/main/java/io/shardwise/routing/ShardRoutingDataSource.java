package io.shardwise.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.AbstractDataSource;
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

	private final Map<String, DataSource> byShard = new LinkedHashMap<>();

	public ShardRoutingDataSource(Shards shards) {
		this.shards = shards;
		Map<Object, Object> targets = new LinkedHashMap<>();
		shards.all().forEach((shard) -> targets.put(shard.id(), shard.dataSource()));
		shards.all().forEach((shard) -> this.byShard.put(shard.id(), new OneShard(shard)));
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

	/**
	 * Return a DataSource of one shard that hands out its connections as this DataSource
	 * does while that shard is selected (a shard held out of service fails at once, a
	 * pool that cannot deliver is a {@link ShardUnavailableException} naming the shard,
	 * and a fan-out's shard call can cancel the statements), without looking up the
	 * selected shard: for statements outside a transaction whose shard is known, such as
	 * each shard's part of a fan-out, which then need neither this DataSource nor the lazy
	 * connection proxy in front of it.
	 * @param shard one of the shards
	 * @return its DataSource
	 * @throws ShardRoutingException if the shard is not one of this DataSource's
	 */
	public DataSource forShard(Shard shard) {
		DataSource dataSource = this.byShard.get(shard.id());
		if (dataSource == null) {
			throw new ShardRoutingException("Unknown shard '" + shard.id() + "'");
		}
		return dataSource;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Shard shard = selectedShard();
		this.shards.availability().checkInService(shard);
		try {
			return StatementCancellation.track(shard.dataSource().getConnection());
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
			return StatementCancellation.track(shard.dataSource().getConnection(username, password));
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

	/**
	 * The connections of one shard, as the routing DataSource hands them out.
	 */
	private final class OneShard extends AbstractDataSource {

		private final Shard shard;

		OneShard(Shard shard) {
			this.shard = shard;
		}

		@Override
		public Connection getConnection() throws SQLException {
			ShardRoutingDataSource.this.shards.availability().checkInService(this.shard);
			try {
				return StatementCancellation.track(this.shard.dataSource().getConnection());
			}
			catch (SQLException ex) {
				throw new ShardUnavailableException(this.shard.id(), ex);
			}
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			ShardRoutingDataSource.this.shards.availability().checkInService(this.shard);
			try {
				return StatementCancellation.track(this.shard.dataSource().getConnection(username, password));
			}
			catch (SQLException ex) {
				throw new ShardUnavailableException(this.shard.id(), ex);
			}
		}

		@Override
		public String toString() {
			return "DataSource of shard '" + this.shard.id() + "'";
		}

	}

}
