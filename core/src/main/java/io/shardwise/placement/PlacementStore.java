package io.shardwise.placement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.shardwise.routing.Shard;

/**
 * The bucket to shard maps, stored on the metadata shard: one row per bucket
 * ({@value #MAP}) and one version per strategy ({@value #VERSIONS}), changed together in
 * one transaction, so that every reader sees one whole version.
 */
public final class PlacementStore {

	/** The table of bucket owners. */
	public static final String MAP = "shardwise_placement";

	/** The table of map versions. */
	public static final String VERSIONS = "shardwise_placement_version";

	/**
	 * The table of buckets whose rows may be on two shards: a move announced their cutover
	 * and has not cleaned up their old shards yet.
	 */
	public static final String MOVING = "shardwise_placement_moving";

	private final Shard shard;

	/**
	 * Create a store on a shard.
	 * @param shard the metadata shard
	 */
	public PlacementStore(Shard shard) {
		this.shard = shard;
	}

	/**
	 * Return the shard the maps are stored on.
	 * @return the metadata shard
	 */
	public Shard shard() {
		return this.shard;
	}

	void createTables() {
		try (Connection connection = this.shard.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists " + VERSIONS
					+ " (strategy varchar(128) not null primary key, version bigint not null)");
			statement.execute("create table if not exists " + MAP + " (strategy varchar(128) not null, "
					+ "bucket integer not null, shard varchar(128) not null, primary key (strategy, bucket))");
			statement.execute("create table if not exists " + MOVING + " (strategy varchar(128) not null, "
					+ "bucket integer not null, source varchar(128) not null, primary key (strategy, bucket))");
			if (!connection.getAutoCommit()) {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(this.shard, "create the placement tables", ex);
		}
	}

	/**
	 * Return the stored version of a strategy's map, 0 if none is stored.
	 * @param strategy the strategy name
	 * @return the version
	 */
	public long version(String strategy) {
		try (Connection connection = this.shard.dataSource().getConnection();
				PreparedStatement statement = connection
					.prepareStatement("select version from " + VERSIONS + " where strategy = ?")) {
			statement.setString(1, strategy);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() ? result.getLong(1) : 0;
			}
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(this.shard, "read the placement version", ex);
		}
	}

	/**
	 * Load a strategy's stored map.
	 * @param strategy the strategy name
	 * @param buckets the strategy's bucket count
	 * @return the map, or empty if none is stored
	 */
	public Optional<PlacementMap> load(String strategy, int buckets) {
		try (Connection connection = this.shard.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			// One transaction, so that the version and the rows belong together (a switch
			// changes both in one transaction; under READ COMMITTED, lock the version row).
			try (PreparedStatement version = connection
				.prepareStatement("select version from " + VERSIONS + " where strategy = ? for update");
					PreparedStatement rows = connection
						.prepareStatement("select bucket, shard from " + MAP + " where strategy = ?")) {
				version.setString(1, strategy);
				long stored;
				try (ResultSet result = version.executeQuery()) {
					if (!result.next()) {
						return Optional.empty();
					}
					stored = result.getLong(1);
				}
				String[] shards = new String[buckets];
				rows.setString(1, strategy);
				try (ResultSet result = rows.executeQuery()) {
					while (result.next()) {
						int bucket = result.getInt(1);
						if (bucket < 0 || bucket >= buckets) {
							throw new IllegalStateException("The stored placement of strategy '" + strategy
									+ "' has bucket " + bucket + ", but the strategy has " + buckets + " buckets");
						}
						shards[bucket] = result.getString(2);
					}
				}
				int missing = Arrays.asList(shards).indexOf(null);
				if (missing >= 0) {
					throw new IllegalStateException("The stored placement of strategy '" + strategy
							+ "' has no shard for bucket " + missing + " (the strategy has " + buckets + " buckets)");
				}
				return Optional.of(new PlacementMap(stored, Arrays.asList(shards)));
			}
			finally {
				connection.rollback();
			}
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(this.shard, "read the placement", ex);
		}
	}

	/**
	 * Store a strategy's first map as version 1, unless another instance stored one first.
	 * @param strategy the strategy name
	 * @param shardByBucket the shard of each bucket
	 * @return whether this call stored it
	 */
	boolean seed(String strategy, List<String> shardByBucket) {
		try (Connection connection = this.shard.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement version = connection
				.prepareStatement("insert into " + VERSIONS + " (strategy, version) values (?, 1)");
					PreparedStatement rows = connection
						.prepareStatement("insert into " + MAP + " (strategy, bucket, shard) values (?, ?, ?)")) {
				version.setString(1, strategy);
				version.executeUpdate();
				for (int bucket = 0; bucket < shardByBucket.size(); bucket++) {
					rows.setString(1, strategy);
					rows.setInt(2, bucket);
					rows.setString(3, shardByBucket.get(bucket));
					rows.addBatch();
				}
				rows.executeBatch();
				connection.commit();
				return true;
			}
			catch (SQLException ex) {
				connection.rollback();
				if (version(strategy) > 0) {
					return false;
				}
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(this.shard, "store the placement", ex);
		}
	}

	/**
	 * Give some buckets new owners, as the next version, in one transaction.
	 * @param strategy the strategy name
	 * @param owners the new shard of each bucket that changes
	 * @return the new version
	 */
	public long reassign(String strategy, Map<Integer, String> owners) {
		try (Connection connection = this.shard.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement lock = connection
				.prepareStatement("select version from " + VERSIONS + " where strategy = ? for update");
					PreparedStatement update = connection
						.prepareStatement("update " + MAP + " set shard = ? where strategy = ? and bucket = ?");
					PreparedStatement bump = connection
						.prepareStatement("update " + VERSIONS + " set version = ? where strategy = ?")) {
				lock.setString(1, strategy);
				long version;
				try (ResultSet result = lock.executeQuery()) {
					if (!result.next()) {
						throw new IllegalStateException("No placement stored for strategy '" + strategy + "'");
					}
					version = result.getLong(1) + 1;
				}
				for (Map.Entry<Integer, String> owner : owners.entrySet()) {
					update.setString(1, owner.getValue());
					update.setString(2, strategy);
					update.setInt(3, owner.getKey());
					update.executeUpdate();
				}
				bump.setLong(1, version);
				bump.setString(2, strategy);
				bump.executeUpdate();
				connection.commit();
				return version;
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(this.shard, "switch the placement", ex);
		}
	}

	/**
	 * Return the buckets of a strategy whose rows may be on two shards, with the shard
	 * each moves from.
	 * @param strategy the strategy name
	 * @return the source shard of each such bucket, in bucket order
	 */
	public Map<Integer, String> moving(String strategy) {
		try (Connection connection = this.shard.dataSource().getConnection();
				PreparedStatement statement = connection
					.prepareStatement("select bucket, source from " + MOVING + " where strategy = ?")) {
			statement.setString(1, strategy);
			Map<Integer, String> moving = new TreeMap<>();
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					moving.put(result.getInt(1), result.getString(2));
				}
			}
			return moving;
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(this.shard, "read the moving buckets", ex);
		}
	}

	/**
	 * Record buckets whose rows may be on two shards from now on, or, with an empty
	 * {@code sources}, forget {@code buckets}.
	 * @param strategy the strategy name
	 * @param buckets the buckets to forget first
	 * @param sources the source shard of each bucket to record
	 */
	void setMoving(String strategy, Collection<Integer> buckets, Map<Integer, String> sources) {
		try (Connection connection = this.shard.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement delete = connection
				.prepareStatement("delete from " + MOVING + " where strategy = ? and bucket = ?");
					PreparedStatement insert = connection
						.prepareStatement("insert into " + MOVING + " (strategy, bucket, source) values (?, ?, ?)")) {
				for (int bucket : buckets) {
					delete.setString(1, strategy);
					delete.setInt(2, bucket);
					delete.executeUpdate();
				}
				for (Map.Entry<Integer, String> source : sources.entrySet()) {
					insert.setString(1, strategy);
					insert.setInt(2, source.getKey());
					insert.setString(3, source.getValue());
					insert.executeUpdate();
				}
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw BucketOwnership.failure(this.shard, "record the moving buckets", ex);
		}
	}

}
