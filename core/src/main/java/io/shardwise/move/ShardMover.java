package io.shardwise.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.shardwise.audit.ShardedTable;
import io.shardwise.placement.BucketOwnership;
import io.shardwise.placement.Placement;
import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.Assert;

/**
 * Moves buckets of the placed {@code hash} strategy to another shard while the
 * application keeps reading and writing them:
 * <ol>
 * <li><b>copy</b>: the buckets' source shards start capturing writes to them (their
 * {@link BucketOwnership} state becomes {@code MOVING}), then the rows of every declared
 * {@link ShardedTable} (parents before children) are copied in batches into shadow
 * tables on the target, invisible to the application's queries;
 * <li><b>catch up</b>: captured writes are applied to the copy until the lag is small;
 * <li><b>verify</b>: source and copy are compared row by row (counts and checksums);
 * differing rows that were not written meanwhile stop the move, reported;
 * <li><b>cut over</b>, bucket by bucket: the source fences the bucket (waiting for writes
 * in flight; later writes wait, then are refused), the last captured writes are applied
 * and the bucket's copy verified once more against the source, the copy moves into the
 * target's real tables, the target takes ownership and the stored map switches to the
 * next version. The write pause lasts from the fence to the switch;
 * <li><b>clean up</b>: each cut-over bucket's rows are deleted from its old shard, and the
 * shadow tables dropped at the end.
 * </ol>
 * The move is recorded on the metadata shard (one move at a time, across instances); if
 * the mover or the application stops, every bucket is still served by exactly one owner
 * (the stored map's), and {@link #resume()} continues the move (copying again when it
 * stopped before the cutover) or {@link #cancel()} undoes it for the buckets not yet cut
 * over.
 *
 * <p>Writes are captured by the {@link io.shardwise.placement.BucketFence}, which
 * Shardwise calls for every Hibernate insert, update and delete of a placed entity.
 * Writes made around it (plain JDBC, bulk JPQL, database triggers or cascades) are not
 * captured: pause them while a move runs.
 */
public class ShardMover implements AutoCloseable {

	/** The table of the move in progress, on the metadata shard. */
	public static final String MOVES = "shardwise_move";

	private static final Log logger = LogFactory.getLog(ShardMover.class);

	private static final int CATCH_UP_PASSES = 20;

	private static final int MAX_BATCHES_PER_PASS = 50;

	private static final int VERIFY_ATTEMPTS = 5;

	private final Placement placement;

	private final Shards shards;

	private final BucketCopier copier;

	private final MoveObserver observer;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "shardwise-mover");
		thread.setDaemon(true);
		return thread;
	});

	private volatile Run current;

	private volatile Future<?> running;

	private volatile MoveStatus last;

	/**
	 * Create a mover.
	 * @param placement the placement whose buckets move
	 * @param tables the sharded tables; those placed by the placement's strategy (roots
	 * keyed by it, and their descendants) are moved
	 * @param batchSize rows per copy batch
	 * @param observer told of the progress
	 */
	public ShardMover(Placement placement, List<ShardedTable> tables, int batchSize, MoveObserver observer) {
		Assert.isTrue(batchSize > 0, "Batch size must be positive");
		this.placement = placement;
		this.shards = placement.router().shards();
		this.copier = new BucketCopier(placedTables(placement, tables), placement.strategy(), batchSize);
		this.observer = observer;
		placement.router().placedTables(this.copier.tables().stream().map(ShardedTable::name).toList());
		createTable();
	}

	private static List<ShardedTable> placedTables(Placement placement, List<ShardedTable> tables) {
		List<ShardedTable> ordered = new ArrayList<>();
		Set<String> placed = new HashSet<>();
		for (ShardedTable table : tables) {
			if (!table.isChild()
					&& placement.router().resolveStrategy(table.strategy()).equals(placement.strategyName())) {
				ordered.add(table);
				placed.add(table.name());
			}
		}
		boolean added = true;
		while (added) {
			added = false;
			for (ShardedTable table : tables) {
				if (table.isChild() && !placed.contains(table.name()) && placed.contains(table.parentTable())) {
					ordered.add(table);
					placed.add(table.name());
					added = true;
				}
			}
		}
		return List.copyOf(ordered);
	}

	/**
	 * Return the tables a move copies, parents before children.
	 * @return the moved tables
	 */
	public List<ShardedTable> tables() {
		return this.copier.tables();
	}

	/**
	 * Move buckets to a shard and wait until the move is done.
	 * @param buckets the buckets
	 * @param targetShard the target shard id
	 * @return the final status
	 * @throws MoveRefusedException if the move cannot start (nothing changed)
	 * @throws MoveVerificationException if a copy differs from its source (the move
	 * stays recorded, to be resumed or cancelled)
	 */
	public MoveStatus move(Collection<Integer> buckets, String targetShard) {
		Run run = begin(buckets, targetShard);
		execute(run, false);
		return run.status();
	}

	/**
	 * Start moving buckets to a shard on the mover's thread.
	 * @param buckets the buckets
	 * @param targetShard the target shard id
	 * @return the status at the start
	 * @throws MoveRefusedException if the move cannot start (nothing changed)
	 */
	public synchronized MoveStatus start(Collection<Integer> buckets, String targetShard) {
		Run run = begin(buckets, targetShard);
		this.running = this.executor.submit(() -> execute(run, true));
		return run.status();
	}

	/**
	 * Continue the recorded move (after a crash, a failure or a restart) and wait until it
	 * is done.
	 * @return the final status
	 * @throws MoveRefusedException if no move is recorded, or it runs already
	 */
	public MoveStatus resume() {
		Run run = recorded();
		execute(run, false);
		return run.status();
	}

	/**
	 * Continue the recorded move on the mover's thread.
	 * @return the status at the start
	 * @throws MoveRefusedException if no move is recorded, or it runs already
	 */
	public synchronized MoveStatus resumeInBackground() {
		Run run = recorded();
		this.running = this.executor.submit(() -> execute(run, true));
		return run.status();
	}

	/**
	 * Return the status of the move running in this instance, or of the last one it ran,
	 * without reading the metadata shard (for metrics).
	 * @return the status, or empty if this instance ran no move
	 */
	public Optional<MoveStatus> localStatus() {
		Run run = this.current;
		return (run != null) ? Optional.of(run.status()) : Optional.ofNullable(this.last);
	}

	/**
	 * Cancel the move: stop it if it runs in this instance, and give the buckets not cut
	 * over back to their source shards (buckets already cut over stay on the target).
	 * @return the final status
	 * @throws MoveRefusedException if no move is recorded
	 */
	public MoveStatus cancel() {
		Run run = this.current;
		if (run != null) {
			run.cancelled = true;
			Future<?> future = this.running;
			if (future != null) {
				try {
					future.get();
				}
				catch (Exception ex) {
					// Reported in the status.
				}
			}
			synchronized (this) {
				// A synchronous move() stops at its next check; wait for it.
				while (this.current == run) {
					try {
						wait(100);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						break;
					}
				}
			}
			if (run.phase == MovePhase.CANCELLED) {
				return run.status();
			}
		}
		Run recorded = recorded();
		try {
			undo(recorded);
		}
		finally {
			release(recorded);
		}
		return recorded.status();
	}

	/**
	 * Return the status of the move running in this instance, else of the move recorded
	 * on the metadata shard, else of the last move this instance ran.
	 * @return the status, or empty if there is none
	 */
	public Optional<MoveStatus> status() {
		Run run = this.current;
		if (run != null) {
			return Optional.of(run.status());
		}
		Optional<Run> recorded = load();
		MoveStatus last = this.last;
		if (recorded.isPresent()) {
			// The record knows the phase; this instance's last run of it knows more (the error).
			boolean same = last != null && last.startedAt().equals(recorded.get().startedAt);
			return Optional.of(same ? last : recorded.get().status());
		}
		return Optional.ofNullable(last);
	}

	// ---- lifecycle of a run

	private synchronized Run begin(Collection<Integer> requested, String targetShard) {
		if (!this.shards.contains(targetShard)) {
			throw new MoveRefusedException(MoveRefusedException.Reason.UNKNOWN_SHARD, "Unknown target shard '"
					+ targetShard + "'; configured shards are " + this.shards.ids() + ". Nothing was moved");
		}
		int count = this.placement.strategy().getBucketCount();
		TreeSet<Integer> buckets = new TreeSet<>(requested);
		if (buckets.isEmpty() || buckets.first() < 0 || buckets.last() >= count) {
			throw new MoveRefusedException(MoveRefusedException.Reason.UNKNOWN_BUCKET, "Buckets must be between 0 and "
					+ (count - 1) + " (strategy '" + this.placement.strategyName() + "'), got " + requested
					+ ". Nothing was moved");
		}
		if (this.copier.tables().isEmpty()) {
			throw new IllegalStateException("No ShardedTable of strategy '" + this.placement.strategyName()
					+ "' is declared; declare the tables to move as ShardedTable beans");
		}
		this.placement.refresh();
		List<Integer> onTarget = buckets.stream()
			.filter((bucket) -> this.placement.strategy().shardOfBucket(bucket).equals(targetShard))
			.toList();
		if (!onTarget.isEmpty()) {
			throw new MoveRefusedException(MoveRefusedException.Reason.ALREADY_ON_TARGET, "Buckets " + onTarget
					+ " already belong to shard '" + targetShard + "'. Nothing was moved");
		}
		refuseIfRecorded(buckets);
		Map<Integer, String> sources = new TreeMap<>();
		buckets.forEach((bucket) -> sources.put(bucket, this.placement.strategy().shardOfBucket(bucket)));
		Run run = new Run(sources, targetShard, Instant.ofEpochMilli(System.currentTimeMillis()));
		try (Connection connection = metadata().dataSource().getConnection();
				PreparedStatement insert = connection.prepareStatement("insert into " + MOVES
						+ " (strategy, target, buckets, phase, started_at) values (?, ?, ?, ?, ?)")) {
			insert.setString(1, this.placement.strategyName());
			insert.setString(2, targetShard);
			insert.setString(3, run.encodeBuckets());
			insert.setString(4, MovePhase.COPY.name());
			insert.setLong(5, run.startedAt.toEpochMilli());
			insert.executeUpdate();
			if (!connection.getAutoCommit()) {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			// Another instance recorded a move first.
			refuseIfRecorded(buckets);
			throw BucketCopier.failure("record the move on shard '" + metadata().id() + "'", ex);
		}
		return run;
	}

	private void refuseIfRecorded(Set<Integer> buckets) {
		Optional<Run> active = load();
		if (active.isPresent()) {
			Set<Integer> overlap = new TreeSet<>(buckets);
			overlap.retainAll(active.get().sources.keySet());
			if (!overlap.isEmpty()) {
				throw new MoveRefusedException(MoveRefusedException.Reason.BUCKET_ALREADY_MOVING, "Buckets " + overlap
						+ " are already moving to shard '" + active.get().target + "'. Nothing was moved");
			}
			throw new MoveRefusedException(MoveRefusedException.Reason.MOVE_IN_PROGRESS, "A move of buckets "
					+ active.get().sources.keySet() + " to shard '" + active.get().target
					+ "' is in progress; one move at a time. Nothing was moved");
		}
	}

	private synchronized Run recorded() {
		if (this.current != null) {
			throw new MoveRefusedException(MoveRefusedException.Reason.MOVE_IN_PROGRESS,
					"The move of buckets " + this.current.sources.keySet() + " is running in this instance");
		}
		return load().orElseThrow(() -> new MoveRefusedException(MoveRefusedException.Reason.NO_MOVE,
				"No move of strategy '" + this.placement.strategyName() + "' is recorded"));
	}

	private void execute(Run run, boolean quiet) {
		synchronized (this) {
			this.current = run;
		}
		try {
			if (run.phase.compareTo(MovePhase.CUTOVER) < 0) {
				copyAndVerify(run);
			}
			cutOver(run);
			cleanUp(run);
			run.phase = MovePhase.DONE;
			release(run);
			logger.info("Moved buckets " + run.sources.keySet() + " to shard '" + run.target + "': " + run.status());
		}
		catch (Cancelled ex) {
			try {
				undo(run);
			}
			finally {
				release(run);
			}
		}
		catch (RuntimeException | Error ex) {
			run.error = ex.toString();
			run.phase = MovePhase.FAILED;
			logger.warn("Move of buckets " + run.sources.keySet() + " to shard '" + run.target
					+ "' stopped; resume or cancel it: " + ex);
			if (!quiet) {
				throw ex;
			}
		}
		finally {
			synchronized (this) {
				this.last = run.status();
				this.current = null;
				notifyAll();
			}
		}
	}

	// ---- phases

	private void copyAndVerify(Run run) {
		Shard target = this.shards.get(run.target);
		enter(run, MovePhase.COPY);
		run.bySource().forEach((source, buckets) -> BucketOwnership.setState(this.shards.get(source), buckets,
				BucketOwnership.State.MOVING));
		this.copier.createShadows(target);
		run.bySource().forEach((source, buckets) -> {
			checkCancelled(run);
			this.copier.copy(this.shards.get(source), target, new HashSet<>(buckets), (rows) -> {
				run.rowsCopied.addAndGet(rows);
				checkCancelled(run);
				this.observer.progress(run.status());
			});
		});
		enter(run, MovePhase.CATCH_UP);
		// Until the lag is small or stops shrinking: whatever is left is applied by the
		// verification's catch-ups and, bucket by bucket, inside the cutover.
		long previousLag = Long.MAX_VALUE;
		for (int pass = 0; pass < CATCH_UP_PASSES; pass++) {
			checkCancelled(run);
			catchUp(run);
			this.observer.progress(run.status());
			if (run.catchUpLag < 10 || run.catchUpLag >= previousLag) {
				break;
			}
			previousLag = run.catchUpLag;
		}
		enter(run, MovePhase.VERIFY);
		run.bySource().forEach((source, buckets) -> verify(run, this.shards.get(source), target, buckets));
	}

	private void verify(Run run, Shard source, Shard target, List<Integer> buckets) {
		Map<String, Map<Object, String>> differences = Map.of();
		for (int attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
			checkCancelled(run);
			catchUp(run);
			buckets.forEach(run.touched::remove);
			differences = this.copier.diff(source, target, new HashSet<>(buckets));
			// Rows written while the comparison ran differ for a moment: they were captured,
			// and the catch-up that follows fixes them. Only the others are real mismatches.
			Set<String> written = new HashSet<>();
			catchUp(run, written);
			Map<String, Map<Object, String>> real = new LinkedHashMap<>();
			differences.forEach((table, rows) -> rows.forEach((id, what) -> {
				if (!written.contains(table.toLowerCase() + "#" + id)) {
					real.computeIfAbsent(table, (key) -> new LinkedHashMap<>()).put(id, what);
				}
			}));
			differences = real;
			this.observer.progress(run.status());
			if (differences.isEmpty()) {
				run.verified.addAll(buckets);
				return;
			}
		}
		throw mismatch(run, "Verification of buckets " + buckets + " from shard '" + source.id() + "'", differences);
	}

	private MoveVerificationException mismatch(Run run, String what, Map<String, Map<Object, String>> differences) {
		List<String> rows = new ArrayList<>();
		long total = 0;
		for (Map.Entry<String, Map<Object, String>> table : differences.entrySet()) {
			for (Map.Entry<Object, String> row : table.getValue().entrySet()) {
				total++;
				if (rows.size() < 100) {
					rows.add(table.getKey() + "[" + row.getKey() + "]: " + row.getValue());
				}
			}
		}
		run.mismatches = rows;
		return new MoveVerificationException(what, rows, total);
	}

	/** Apply every captured change of the moving buckets; return how many were applied. */
	private long catchUp(Run run) {
		return catchUp(run, null, null, -1);
	}

	private long catchUp(Run run, Set<String> written) {
		return catchUp(run, written, null, -1);
	}

	/**
	 * Apply captured changes of one source shard, or of all when {@code only} is
	 * {@code null}, of one bucket or of all when {@code bucket} is -1; return how many
	 * were applied.
	 */
	private long catchUp(Run run, Set<String> written, String only, int bucket) {
		Shard target = this.shards.get(run.target);
		long applied = 0;
		long lag = 0;
		for (String sourceId : run.bySource().keySet()) {
			if (only != null && !only.equals(sourceId)) {
				continue;
			}
			Shard source = this.shards.get(sourceId);
			// Bounded, so that writes faster than the catch-up cannot keep a pass going; a
			// fenced bucket's changes (bucket >= 0) end because its writes wait.
			for (int batch = 0; bucket >= 0 || batch < MAX_BATCHES_PER_PASS; batch++) {
				List<BucketOwnership.Change> changes = BucketOwnership.changes(source, bucket, this.copier.batchSize());
				if (changes.isEmpty()) {
					break;
				}
				List<BucketOwnership.Change> relevant = changes.stream()
					.filter((change) -> run.sources.containsKey(change.bucket()))
					.toList();
				applied += this.copier.apply(source, target, relevant);
				BucketOwnership.consume(source, changes);
				relevant.forEach((change) -> run.touched.computeIfAbsent(change.bucket(), (key) -> new LinkedHashMap<>())
					.computeIfAbsent(change.table().toLowerCase(), (key) -> new HashSet<>())
					.add(change.rowId()));
				if (written != null) {
					relevant.forEach((change) -> written.add(change.table().toLowerCase() + "#" + change.rowId()));
				}
				if (changes.size() < this.copier.batchSize()) {
					break;
				}
			}
			if (only == null) {
				lag += BucketOwnership.pendingChanges(source);
			}
		}
		run.changesApplied.addAndGet(applied);
		if (only == null) {
			run.catchUpLag = lag;
		}
		return applied;
	}

	private void cutOver(Run run) {
		enter(run, MovePhase.CUTOVER);
		Shard target = this.shards.get(run.target);
		// From the first cutover until the cleanup, the buckets' rows are on two shards:
		// every instance must know before it begins, so that its fan-outs keep one copy.
		this.placement.announceMoving(run.sources);
		if (run.sources.keySet().stream().anyMatch((bucket) -> !isOnTarget(run, bucket))) {
			sleep(this.placement.grace().toNanos(), "before the cutover; resume to cut over");
		}
		for (Map.Entry<Integer, String> entry : run.sources.entrySet()) {
			int bucket = entry.getKey();
			Shard source = this.shards.get(entry.getValue());
			this.placement.refresh();
			if (isOnTarget(run, bucket)) {
				continue;
			}
			checkCancelled(run);
			long start = System.nanoTime();
			BucketOwnership.State state = BucketOwnership.states(source).get(bucket);
			if (state != BucketOwnership.State.FENCED) {
				fence(run, source, target, bucket);
			}
			else {
				// Fenced before a crash: no write can change it any more.
				catchUp(run);
				Map<String, Map<Object, String>> differences = this.copier.diffBucket(source, target, bucket);
				if (!differences.isEmpty()) {
					throw mismatch(run, "Verification of bucket " + bucket, differences);
				}
			}
			if (BucketOwnership.states(target).get(bucket) != BucketOwnership.State.OWNED) {
				try (Connection connection = target.dataSource().getConnection()) {
					connection.setAutoCommit(false);
					try {
						this.copier.moveIn(connection, bucket);
						BucketOwnership.setState(connection, List.of(bucket), BucketOwnership.State.OWNED);
						connection.commit();
					}
					catch (SQLException | RuntimeException ex) {
						connection.rollback();
						throw ex;
					}
				}
				catch (SQLException ex) {
					throw BucketCopier.failure("move bucket " + bucket + " into shard '" + target.id() + "'", ex);
				}
			}
			this.placement.reassign(Map.of(bucket, run.target));
			double pause = (System.nanoTime() - start) / 1_000_000.0;
			run.lastPauseMillis = pause;
			run.maxPauseMillis = Math.max(run.maxPauseMillis, pause);
			run.bucketsCutOver++;
			run.lastSwitchNanos = System.nanoTime();
			this.observer.progress(run.status());
		}
	}

	/**
	 * Fence a bucket on its source: lock its ownership row (waiting for the writes in
	 * flight, holding off new ones), apply the last captured writes, verify the bucket's
	 * copy, and commit the fence; on a mismatch, roll back (writes resume on the source).
	 */
	private void fence(Run run, Shard source, Shard target, int bucket) {
		try (Connection connection = source.dataSource().getConnection()) {
			connection.setAutoCommit(false);
			try {
				BucketOwnership.setState(connection, List.of(bucket), BucketOwnership.State.FENCED);
				// Inside the pause: only the bucket's own changes need applying.
				catchUp(run, null, source.id(), bucket);
				// Verified in this run: only the rows written since need comparing again, which
				// keeps the pause short. Otherwise (resumed), the whole bucket.
				Map<String, Map<Object, String>> differences = run.verified.contains(bucket)
						? this.copier.diffRows(source, target, bucket, run.touched.getOrDefault(bucket, Map.of()))
						: this.copier.diffBucket(source, target, bucket);
				if (!differences.isEmpty()) {
					throw mismatch(run, "Verification of bucket " + bucket, differences);
				}
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw BucketCopier.failure("fence bucket " + bucket + " on shard '" + source.id() + "'", ex);
		}
	}

	private void cleanUp(Run run) {
		enter(run, MovePhase.CLEANUP);
		Shard target = this.shards.get(run.target);
		// Instances that have not refreshed yet still read the buckets from their old
		// shards: keep the rows there (fenced against writes) until every instance has had
		// the grace period to see the switch.
		// A resumed move whose switches happened in an earlier run waits the whole period.
		long grace = this.placement.grace().toNanos();
		sleep((run.lastSwitchNanos != 0) ? run.lastSwitchNanos + grace - System.nanoTime() : grace,
				"before the cleanup; resume to clean up");
		run.sources.forEach((bucket, source) -> {
			if (isOnTarget(run, bucket)) {
				cleanUpBucket(this.shards.get(source), target, bucket);
			}
		});
		this.copier.dropShadows(target);
		this.placement.endMoving(run.sources.keySet());
	}

	private boolean isOnTarget(Run run, int bucket) {
		return this.placement.strategy().shardOfBucket(bucket).equals(run.target);
	}

	private static void sleep(long nanos, String when) {
		if (nanos <= 0) {
			return;
		}
		try {
			Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted " + when, ex);
		}
	}

	/** Delete a cut-over bucket's rows from its old shard (with its ownership row), then its copies. */
	private void cleanUpBucket(Shard source, Shard target, int bucket) {
		if (BucketOwnership.states(source).containsKey(bucket)) {
			Map<String, List<Object>> ids = this.copier.copiedIds(target, bucket);
			try (Connection connection = source.dataSource().getConnection()) {
				connection.setAutoCommit(false);
				try {
					this.copier.delete(connection, ids);
					BucketOwnership.setState(connection, List.of(bucket), null);
					connection.commit();
				}
				catch (SQLException | RuntimeException ex) {
					connection.rollback();
					throw ex;
				}
			}
			catch (SQLException ex) {
				throw BucketCopier.failure("clean up bucket " + bucket + " on shard '" + source.id() + "'", ex);
			}
			BucketOwnership.dropChanges(source, List.of(bucket));
		}
		if (this.copier.hasShadows(target)) {
			this.copier.deleteCopies(target, bucket);
		}
	}

	/** Give the buckets not cut over back to their sources, and drop the copies. */
	private void undo(Run run) {
		Shard target = this.shards.get(run.target);
		this.placement.refresh();
		Map<String, List<Integer>> back = new LinkedHashMap<>();
		List<Integer> cutOver = new ArrayList<>();
		run.sources.forEach((bucket, source) -> {
			if (!isOnTarget(run, bucket)) {
				back.computeIfAbsent(source, (key) -> new ArrayList<>()).add(bucket);
			}
			else {
				cutOver.add(bucket);
			}
		});
		if (!cutOver.isEmpty()) {
			// As in the cleanup: instances that have not seen the switch still read there.
			sleep((run.lastSwitchNanos != 0) ? run.lastSwitchNanos + this.placement.grace().toNanos() - System.nanoTime()
					: this.placement.grace().toNanos(), "before the cleanup; cancel again to clean up");
			cutOver.forEach((bucket) -> cleanUpBucket(this.shards.get(run.sources.get(bucket)), target, bucket));
		}
		back.forEach((source, buckets) -> {
			// A target that took ownership before a crash, but whose switch never happened,
			// drops the rows it took and the ownership.
			List<Integer> taken = buckets.stream()
				.filter((bucket) -> BucketOwnership.states(target).containsKey(bucket))
				.toList();
			for (int bucket : taken) {
				Map<String, List<Object>> ids = this.copier.copiedIds(target, bucket);
				try (Connection connection = target.dataSource().getConnection()) {
					connection.setAutoCommit(false);
					this.copier.delete(connection, ids);
					BucketOwnership.setState(connection, List.of(bucket), null);
					connection.commit();
				}
				catch (SQLException ex) {
					throw BucketCopier.failure("give back bucket " + bucket + " on shard '" + target.id() + "'", ex);
				}
			}
			BucketOwnership.setState(this.shards.get(source), buckets, BucketOwnership.State.OWNED);
			BucketOwnership.dropChanges(this.shards.get(source), buckets);
		});
		this.copier.dropShadows(target);
		this.placement.endMoving(run.sources.keySet());
		run.phase = MovePhase.CANCELLED;
		logger.info("Cancelled the move of buckets " + run.sources.keySet() + " to shard '" + run.target + "'"
				+ (back.isEmpty() ? "" : "; buckets back on their shards: " + back));
	}

	private void enter(Run run, MovePhase phase) {
		run.phase = phase;
		try (Connection connection = metadata().dataSource().getConnection();
				PreparedStatement update = connection
					.prepareStatement("update " + MOVES + " set phase = ? where strategy = ?")) {
			update.setString(1, phase.name());
			update.setString(2, this.placement.strategyName());
			update.executeUpdate();
			if (!connection.getAutoCommit()) {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			throw BucketCopier.failure("record the move's phase on shard '" + metadata().id() + "'", ex);
		}
		this.observer.progress(run.status());
	}

	private void checkCancelled(Run run) {
		if (run.cancelled) {
			throw new Cancelled();
		}
	}

	// ---- the record on the metadata shard

	private Shard metadata() {
		return this.placement.store().shard();
	}

	private void createTable() {
		try (Connection connection = metadata().dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists " + MOVES + " (strategy varchar(128) not null primary key, "
					+ "target varchar(128) not null, buckets varchar(65535) not null, phase varchar(16) not null, "
					+ "started_at bigint not null)");
			if (!connection.getAutoCommit()) {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			throw BucketCopier.failure("create the move table on shard '" + metadata().id() + "'", ex);
		}
	}

	private Optional<Run> load() {
		try (Connection connection = metadata().dataSource().getConnection();
				PreparedStatement select = connection.prepareStatement(
						"select target, buckets, phase, started_at from " + MOVES + " where strategy = ?")) {
			select.setString(1, this.placement.strategyName());
			try (ResultSet result = select.executeQuery()) {
				if (!result.next()) {
					return Optional.empty();
				}
				Map<Integer, String> sources = new TreeMap<>();
				for (String pair : result.getString(2).split(",")) {
					String[] parts = pair.split(":", 2);
					sources.put(Integer.parseInt(parts[0]), parts[1]);
				}
				Run run = new Run(sources, result.getString(1), Instant.ofEpochMilli(result.getLong(4)));
				run.phase = MovePhase.valueOf(result.getString(3));
				run.recordedOnly = true;
				return Optional.of(run);
			}
		}
		catch (SQLException ex) {
			throw BucketCopier.failure("read the move on shard '" + metadata().id() + "'", ex);
		}
	}

	private void release(Run run) {
		try (Connection connection = metadata().dataSource().getConnection();
				PreparedStatement delete = connection.prepareStatement("delete from " + MOVES + " where strategy = ?")) {
			delete.setString(1, this.placement.strategyName());
			delete.executeUpdate();
			if (!connection.getAutoCommit()) {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			throw BucketCopier.failure("remove the move record on shard '" + metadata().id() + "'", ex);
		}
		this.last = run.status();
	}

	@Override
	public void close() {
		Run run = this.current;
		if (run != null) {
			// Stop at the next check, as a crash would: the move stays recorded.
			run.error = "stopped by shutdown";
		}
		this.executor.shutdownNow();
	}

	// ---- state of one run

	private static final class Cancelled extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Cancelled() {
			super("cancelled", null, false, false);
		}

	}

	private final class Run {

		final Map<Integer, String> sources;

		final String target;

		final Instant startedAt;

		final AtomicLong rowsCopied = new AtomicLong();

		final AtomicLong changesApplied = new AtomicLong();

		volatile MovePhase phase = MovePhase.COPY;

		volatile boolean cancelled;

		volatile boolean recordedOnly;

		volatile long catchUpLag;

		volatile int bucketsCutOver;

		volatile double lastPauseMillis;

		volatile double maxPauseMillis;

		volatile long lastSwitchNanos;

		volatile String error;

		volatile List<String> mismatches = List.of();

		/** Rows applied by catch-ups since the bucket's verification: bucket, table, ids. */
		final Map<Integer, Map<String, Set<Long>>> touched = new java.util.concurrent.ConcurrentHashMap<>();

		/** Buckets verified by this run (not by a run before a crash). */
		final Set<Integer> verified = java.util.concurrent.ConcurrentHashMap.newKeySet();

		Run(Map<Integer, String> sources, String target, Instant startedAt) {
			this.sources = sources;
			this.target = target;
			this.startedAt = startedAt;
		}

		Map<String, List<Integer>> bySource() {
			Map<String, List<Integer>> groups = new LinkedHashMap<>();
			this.sources.forEach((bucket, source) -> groups.computeIfAbsent(source, (key) -> new ArrayList<>()).add(bucket));
			return groups;
		}

		String encodeBuckets() {
			return this.sources.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + ":" + entry.getValue())
				.collect(Collectors.joining(","));
		}

		MoveStatus status() {
			boolean isRunning = !this.recordedOnly && ShardMover.this.current == this;
			return new MoveStatus(ShardMover.this.placement.strategyName(), List.copyOf(this.sources.keySet()),
					this.target, this.phase, isRunning, this.rowsCopied.get(), this.changesApplied.get(),
					this.catchUpLag, this.bucketsCutOver, this.lastPauseMillis, this.maxPauseMillis, this.startedAt,
					this.error, this.mismatches);
		}

	}

}
