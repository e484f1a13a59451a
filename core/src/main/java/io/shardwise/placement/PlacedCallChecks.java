package io.shardwise.placement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

import io.shardwise.routing.PlacedFanOut;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;

/**
 * The placement's checks of routed repository calls that Hibernate's write events (and
 * so the {@link BucketFence}) do not see: unkeyed fan-outs over placed rows (the
 * snapshot of {@link Placement}, see {@link PlacedFanOut}), keyed reads that find
 * nothing, and bulk writes.
 *
 * <p><b>Misses.</b> Keyed reads of a placed bucket are exact across moves. A read is routed by this
 * instance's map when it starts; if it reaches the bucket's old shard after the mover's
 * cleanup deleted the rows there, it finds nothing. So a keyed read that finds nothing
 * asks the shard it ran on, with one indexed read of {@value BucketOwnership#BUCKETS}, what
 * it knows of the bucket:
 * <ul>
 * <li>{@code OWNED} or {@code MOVING}: the shard is the bucket's live owner (every write
 * of the bucket lands there), so nothing was missed;
 * <li>{@code FENCED} or no row: the bucket is cutting over or has moved away. The
 * instance reloads the map; if the bucket has another owner now, the read runs again
 * there, else (the write pause of a cutover, when the fenced shard still has all the
 * rows and no write lands anywhere) nothing was missed.
 * </ul>
 * The answer is exact because a shard's rows of a bucket only disappear in the cleanup,
 * after the switch, in the transaction that deletes its ownership row; the one case left
 * is a read stalled across two whole moves of its bucket, away and back. Reads that find
 * something pay nothing.
 *
 * <p><b>Bulk writes.</b> A {@code @Modifying} query writes rows without Hibernate's
 * events, so a move would neither capture nor fence it. Before one runs on a shard, a
 * transaction of its own on that shard locks every row of {@value BucketOwnership#BUCKETS}
 * (shared where the database can) and reads their states: if a bucket is {@code MOVING}
 * or {@code FENCED} there, the bulk write is refused with a
 * {@link BulkWriteRefusedException}; otherwise the lock is held until the bulk write's
 * transaction ends, so that no move can start on the shard in between (a move marks its
 * buckets {@code MOVING} under an exclusive lock, and then copies what the bulk write
 * committed).
 */
final class PlacedCallChecks implements ShardRouter.PlacementCheck {

	private final Placement placement;

	PlacedCallChecks(Placement placement) {
		this.placement = placement;
	}

	@Override
	public PlacedFanOut fanOut() {
		return this.placement.fanOutSnapshot();
	}

	@Override
	public Shard ownerAfterMiss(Shard shard, int bucket) {
		BucketOwnership.State state = BucketOwnership.state(shard, bucket);
		if (state == BucketOwnership.State.OWNED || state == BucketOwnership.State.MOVING) {
			return null;
		}
		this.placement.refresh();
		String owner = this.placement.strategy().shardOfBucket(bucket);
		if (!owner.equals(shard.id())) {
			return this.placement.router().shards().get(owner);
		}
		if (state == BucketOwnership.State.FENCED) {
			return null;
		}
		throw new IllegalStateException("Shard '" + shard.id() + "' holds no rows of bucket " + bucket
				+ " of strategy '" + this.placement.strategyName() + "', but placement version "
				+ this.placement.version() + " names it as the owner; check " + BucketOwnership.BUCKETS
				+ " on that shard against " + PlacementStore.MAP);
	}

	@Override
	public Runnable beforeBulkWrite(Shard shard, String operation) {
		// Only a shared lock can be held across the write's transaction: an exclusive one
		// (H2) would block that transaction's own fenced writes. Without one, the check
		// still refuses bulk writes during moves, but a move may start while one runs.
		boolean shared = this.placement.lockClause().contains("share");
		Connection connection = null;
		try {
			connection = shard.dataSource().getConnection();
			connection.setAutoCommit(false);
			Map<Integer, String> moving = new TreeMap<>();
			try (PreparedStatement statement = connection.prepareStatement("select bucket, state from "
					+ BucketOwnership.BUCKETS + (shared ? this.placement.lockClause() : ""));
					ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					if (!BucketOwnership.State.OWNED.name().equals(result.getString(2))) {
						moving.put(result.getInt(1), result.getString(2));
					}
				}
			}
			if (!moving.isEmpty()) {
				release(connection);
				throw new BulkWriteRefusedException(operation, shard.id(), moving);
			}
			if (!shared) {
				release(connection);
				return () -> {
				};
			}
			Connection held = connection;
			return () -> release(held);
		}
		catch (SQLException ex) {
			if (connection != null) {
				release(connection);
			}
			throw BucketOwnership.failure(shard, "lock its buckets for " + operation, ex);
		}
	}

	private static void release(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			// Closing ends the transaction too.
		}
		finally {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// Nothing left to release.
			}
		}
	}

}
