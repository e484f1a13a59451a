package io.shardwise.placement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardFailures;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The check every routed write of a placed row makes on the shard it writes to, in its
 * own transaction: the first write of a bucket in a transaction locks the bucket's row in
 * {@value BucketOwnership#BUCKETS} for the rest of the transaction (a shared lock where
 * the database has one) and reads its state.
 * <ul>
 * <li>{@code OWNED}: the write proceeds.
 * <li>{@code MOVING}: the write proceeds and records its row in
 * {@value BucketOwnership#CHANGES}, in the same transaction, for the mover to catch up.
 * <li>{@code FENCED} or no row: the shard does not own the bucket (this instance routed by
 * an older map, or the bucket is cutting over): the instance reloads the map and the
 * write fails with a {@link StalePlacementException}, before anything is written.
 * </ul>
 * The cutover changes the state under an exclusive lock on the same row, so it waits
 * for the writes in flight and every later write sees the new state: no write reaches an
 * old owner after its cutover, whatever map the writer had.
 */
public class BucketFence {

	private final Placement placement;

	/**
	 * Create the fence of a placement.
	 * @param placement the placement
	 */
	public BucketFence(Placement placement) {
		this.placement = placement;
	}

	/**
	 * Return the placement this fence guards.
	 * @return the placement
	 */
	public Placement placement() {
		return this.placement;
	}

	/**
	 * Check (and capture, while its bucket moves) a write of one row, before it is made.
	 * @param connection the connection of the write's transaction
	 * @param shard the shard the write is routed to
	 * @param bucket the row's bucket
	 * @param table the row's table
	 * @param rowId the row's id
	 * @throws StalePlacementException if the shard does not own the bucket
	 */
	public void beforeWrite(Connection connection, Shard shard, int bucket, String table, Object rowId) {
		Map<Integer, BucketOwnership.State> checked = checkedInTransaction();
		// Per shard and bucket: each shard has its own record of the bucket.
		Integer key = (shard.index() << 10) | bucket;
		BucketOwnership.State state = (checked != null) ? checked.get(key) : null;
		SQLException lockFailure = null;
		try {
			if (state == null) {
				state = lockAndRead(connection, bucket);
				if (checked != null && state != null) {
					checked.put(key, state);
				}
			}
			if (state == BucketOwnership.State.OWNED) {
				return;
			}
			if (state == BucketOwnership.State.MOVING) {
				capture(connection, bucket, table, rowId);
				return;
			}
		}
		catch (SQLException ex) {
			// A cutover holds the bucket's row exclusively from its fence to its switch: a
			// wait for that row past the database's lock timeout is the write pause
			// outlasting it. Nothing is written yet, and a retry routes by the new map.
			if (state != null || !(ShardFailures.translate("bucket fence", ex, connection,
					shard) instanceof PessimisticLockingFailureException)) {
				throw new DataAccessResourceFailureException("Cannot check the ownership of bucket " + bucket
						+ " on shard '" + shard.id() + "': " + ex.getMessage(), ex);
			}
			lockFailure = ex;
		}
		long routedVersion = this.placement.version();
		this.placement.refreshQuietly();
		if (lockFailure != null) {
			throw new StalePlacementException(bucket, shard.id(),
					"its ownership row stayed locked past the database's lock timeout: by a cutover, or, where the "
							+ "database has no shared locks, by a long transaction writing the same bucket",
					routedVersion, lockFailure);
		}
		throw new StalePlacementException(bucket, shard.id(), (state != null) ? state.name() : "not owned",
				routedVersion, null);
	}

	private BucketOwnership.State lockAndRead(Connection connection, int bucket) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"select state from " + BucketOwnership.BUCKETS + " where bucket = ?" + this.placement.lockClause())) {
			statement.setInt(1, bucket);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() ? BucketOwnership.State.valueOf(result.getString(1)) : null;
			}
		}
	}

	private static void capture(Connection connection, int bucket, String table, Object rowId) throws SQLException {
		if (!(rowId instanceof Number number)) {
			throw new IllegalStateException(
					"Rows of moving buckets need numeric ids; " + table + " row has id " + rowId);
		}
		try (PreparedStatement statement = connection.prepareStatement(
				"insert into " + BucketOwnership.CHANGES + " (bucket, table_name, row_id) values (?, ?, ?)")) {
			statement.setInt(1, bucket);
			statement.setString(2, table);
			statement.setLong(3, number.longValue());
			statement.executeUpdate();
		}
	}

	/**
	 * The buckets already checked by the current transaction (keyed by shard index and
	 * bucket), so that a transaction writing many rows of one bucket locks and reads its
	 * state once; {@code null}
	 * without transaction synchronization (then every write checks).
	 */
	@SuppressWarnings("unchecked")
	private Map<Integer, BucketOwnership.State> checkedInTransaction() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return null;
		}
		Map<Integer, BucketOwnership.State> checked = (Map<Integer, BucketOwnership.State>) TransactionSynchronizationManager
			.getResource(this);
		if (checked == null) {
			checked = new HashMap<>(4);
			TransactionSynchronizationManager.bindResource(this, checked);
			TransactionSynchronizationManager.registerSynchronization(new Binding(this, checked));
		}
		return checked;
	}

	private record Binding(BucketFence key, Map<Integer, BucketOwnership.State> checked)
			implements TransactionSynchronization {

		@Override
		public void suspend() {
			// A suspended transaction keeps its locks; a new inner one checks afresh.
			TransactionSynchronizationManager.unbindResourceIfPossible(this.key);
		}

		@Override
		public void resume() {
			TransactionSynchronizationManager.bindResource(this.key, this.checked);
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(this.key);
		}

	}

}
