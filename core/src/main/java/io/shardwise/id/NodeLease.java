package io.shardwise.id;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.Assert;

/**
 * This application instance's node number for {@link ShardIds}, leased from a small
 * table ({@value #TABLE}) in one database that every instance shares, so that two
 * instances started from one configuration never generate the same ids.
 *
 * <p>A lease lasts {@code duration} and is renewed every quarter of it. The instance
 * hands out ids only while its latest renewal is younger than three quarters of the
 * duration (measured by the timestamps of the ids themselves, which never go back);
 * another instance takes a node over only once its lease has expired, so the quarter
 * in between absorbs clock differences between the instances' hosts. An instance that
 * finds its node taken over (its renewal matched no row of its own) stops handing out
 * ids for good and fails every further id loudly: its ids could otherwise duplicate
 * the new owner's. One whose renewals fail (the database is unreachable) stops when its
 * lease runs out and resumes when a renewal succeeds before anyone took the node over.
 *
 * <p>An explicit node ({@link #configured}) is registered in the same table, so that two
 * instances configured with the same node are detected at startup. If the table's
 * database cannot be reached then, the configured node is used without registration.
 */
public final class NodeLease implements AutoCloseable {

	/** Name of the lease table. */
	public static final String TABLE = "shardwise_node_lease";

	private static final Log logger = LogFactory.getLog(NodeLease.class);

	/** How long {@link #close()} waits for the release of the node. */
	private static final long RELEASE_WAIT_MILLIS = 2000;

	private final DataSource dataSource;

	private final String database;

	private final String owner = newOwner();

	private final long durationMillis;

	private final Integer configuredNode;

	private volatile int node = -1;

	private volatile long validUntilMillis = Long.MIN_VALUE;

	private volatile String lostTo;

	private volatile boolean closed;

	private ScheduledExecutorService renewer;

	private ScheduledFuture<?> renewal;

	private NodeLease(DataSource dataSource, String database, Duration duration, Integer configuredNode) {
		Assert.isTrue(duration != null && duration.toMillis() >= 1000, "The lease duration must be at least 1s");
		Assert.isTrue(configuredNode == null || (configuredNode >= 0 && configuredNode < ShardIds.MAX_NODES),
				() -> "Node must be between 0 and " + (ShardIds.MAX_NODES - 1) + ", got " + configuredNode);
		this.dataSource = dataSource;
		this.database = database;
		this.durationMillis = duration.toMillis();
		this.configuredNode = configuredNode;
	}

	/**
	 * Create a lease of the lowest node number that no live instance holds (a free one,
	 * or one whose lease expired), taken at {@link #start()}.
	 * @param dataSource the database that holds the lease table (created if missing)
	 * @param database how to name that database in messages, such as its shard id
	 * @param duration how long a lease lasts without renewal, at least a second
	 * @return the lease, not yet taken
	 */
	public static NodeLease automatic(DataSource dataSource, String database, Duration duration) {
		return new NodeLease(dataSource, database, duration, null);
	}

	/**
	 * Create the registration of an explicitly configured node number, which
	 * {@link #start()} refuses if a live instance holds it already.
	 * @param dataSource the database that holds the lease table (created if missing)
	 * @param database how to name that database in messages, such as its shard id
	 * @param node the configured node number
	 * @param duration how long a lease lasts without renewal, at least a second
	 * @return the lease, not yet taken
	 */
	public static NodeLease configured(DataSource dataSource, String database, int node, Duration duration) {
		return new NodeLease(dataSource, database, duration, node);
	}

	/**
	 * Take the lease and renew it in the background until {@link #close()}. Ids are
	 * refused before.
	 * @throws NodeLeaseException if every node number is leased, if the configured node
	 * is held by another live instance, or if the database cannot be reached
	 */
	public synchronized void start() {
		if (this.node >= 0) {
			return;
		}
		long now = System.currentTimeMillis();
		try (Connection connection = this.dataSource.getConnection()) {
			createTable(connection);
			int leased = (this.configuredNode != null) ? claim(connection, this.configuredNode, now)
					: acquire(connection, now);
			this.node = leased;
			this.validUntilMillis = now + this.durationMillis * 3 / 4;
		}
		catch (SQLException ex) {
			if (this.configuredNode == null) {
				throw new NodeLeaseException("Cannot lease an id node in " + this.database + " (table " + TABLE
						+ "): " + ex.getMessage() + "; set shardwise.id.node to start without a lease", ex);
			}
			// A configured node works without the table; only the duplicate check is lost.
			logger.warn("Cannot register shardwise.id.node=" + this.configuredNode + " in " + this.database
					+ ", so another instance configured with the same node would go undetected: " + ex.getMessage());
			this.node = this.configuredNode;
			this.validUntilMillis = Long.MAX_VALUE;
			return;
		}
		logger.info("Leased id node " + this.node + " as " + this.owner + " in " + this.database + " (" + TABLE + ")");
		this.renewer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "shardwise-node-lease-" + this.node);
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, this.durationMillis / 4);
		this.renewal = this.renewer.scheduleWithFixedDelay(this::renewQuietly, period, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Start without the lease table, whose database is known to be unreachable: a
	 * configured node is used without registration (a warning is logged), an automatic
	 * lease fails.
	 * @param reason why the database cannot be used, for the messages
	 * @throws NodeLeaseException if the node is not configured
	 */
	public synchronized void startUnregistered(String reason) {
		if (this.node >= 0) {
			return;
		}
		if (this.configuredNode == null) {
			throw new NodeLeaseException("Cannot lease an id node: " + this.database + " holds the lease table (" + TABLE
					+ ") and is " + reason + "; set shardwise.id.node to start without a lease");
		}
		logger.warn("Cannot register shardwise.id.node=" + this.configuredNode + " in " + this.database + " ("
				+ reason + "), so another instance configured with the same node would go undetected");
		this.node = this.configuredNode;
		this.validUntilMillis = Long.MAX_VALUE;
	}

	private int acquire(Connection connection, long now) throws SQLException {
		Map<Integer, Long> expiries = new HashMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select node, expires_at from " + TABLE)) {
			while (rows.next()) {
				expiries.put(rows.getInt(1), rows.getLong(2));
			}
		}
		for (int candidate = 0; candidate < ShardIds.MAX_NODES; candidate++) {
			Long expiresAt = expiries.get(candidate);
			boolean taken = (expiresAt == null) ? insert(connection, candidate, now)
					: expiresAt < now && takeOver(connection, candidate, expiresAt, now);
			if (taken) {
				return candidate;
			}
		}
		throw new NodeLeaseException("All " + ShardIds.MAX_NODES + " id node numbers are leased in " + this.database
				+ " (table " + TABLE + "): more instances run on these shards than ids can tell apart, or stopped "
				+ "instances' leases have not expired yet (they last " + this.durationMillis + " ms)");
	}

	private int claim(Connection connection, int wanted, long now) throws SQLException {
		for (int attempt = 0; attempt < 3; attempt++) {
			String holder = null;
			long expiresAt = 0;
			try (PreparedStatement select = connection
				.prepareStatement("select owner, expires_at from " + TABLE + " where node = ?")) {
				select.setInt(1, wanted);
				try (ResultSet row = select.executeQuery()) {
					if (row.next()) {
						holder = row.getString(1);
						expiresAt = row.getLong(2);
					}
				}
			}
			if (holder != null && expiresAt >= now) {
				throw new NodeLeaseException("shardwise.id.node=" + wanted + " is in use by another running instance ("
						+ holder + ", lease until " + Instant.ofEpochMilli(expiresAt) + ", in " + this.database
						+ "): give each instance its own node, or leave shardwise.id.node unset to lease one "
						+ "automatically");
			}
			boolean taken = (holder == null) ? insert(connection, wanted, now)
					: takeOver(connection, wanted, expiresAt, now);
			if (taken) {
				return wanted;
			}
		}
		throw new NodeLeaseException("Cannot register shardwise.id.node=" + wanted + " in " + this.database
				+ ": other instances keep claiming it");
	}

	/**
	 * Return the leased node number, or -1 before {@link #start()}.
	 * @return the node
	 */
	public int node() {
		return this.node;
	}

	/**
	 * Return the node number, if this instance may still hand out an id with the given
	 * timestamp.
	 * @param idEpochMillis the id's timestamp, in milliseconds since 1970
	 * @return the node
	 * @throws NodeLeaseException if the lease was lost, or has run out without renewal
	 */
	public int checkedNode(long idEpochMillis) {
		if (idEpochMillis < this.validUntilMillis && this.lostTo == null) {
			return this.node;
		}
		if (this.node < 0) {
			throw new NodeLeaseException("No id node leased yet in " + this.database + ": ids are available once the "
					+ "shards are migrated and the lease is taken");
		}
		if (this.closed) {
			throw new NodeLeaseException("Id node " + this.node + " in " + this.database
					+ " was released when this instance closed: no ids after close");
		}
		if (this.lostTo != null) {
			throw new NodeLeaseException("Id node " + this.node + " was taken over by " + this.lostTo + " in "
					+ this.database + " after this instance (" + this.owner + ") failed to renew its lease: it no "
					+ "longer generates ids, which could duplicate the new owner's; restart it");
		}
		throw new NodeLeaseException("The lease of id node " + this.node + " in " + this.database
				+ " has not been renewed since " + Instant.ofEpochMilli(this.validUntilMillis - this.durationMillis * 3 / 4)
				+ ": no ids until a renewal succeeds (is " + this.database + " reachable?)");
	}

	/**
	 * Return the owner name this instance leases under: host, process id and a random part.
	 * @return the owner name
	 */
	public String owner() {
		return this.owner;
	}

	/**
	 * Renew the lease now.
	 * @return whether the lease is still this instance's
	 * @throws SQLException if the database cannot be reached
	 */
	boolean renew() throws SQLException {
		if (this.lostTo != null || this.node < 0 || this.closed) {
			return false;
		}
		long now = System.currentTimeMillis();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement update = connection
					.prepareStatement("update " + TABLE + " set expires_at = ? where node = ? and owner = ?")) {
			update.setLong(1, now + this.durationMillis);
			update.setInt(2, this.node);
			update.setString(3, this.owner);
			if (update.executeUpdate() == 1) {
				this.validUntilMillis = now + this.durationMillis * 3 / 4;
				if (this.closed) {
					// A renewal that raced close() must not make ids valid again.
					this.validUntilMillis = Long.MIN_VALUE;
					return false;
				}
				return true;
			}
			if (this.closed) {
				return false;
			}
			String holder = holder(connection);
			this.lostTo = (holder != null) ? holder : "nobody (the lease row was deleted)";
			logger.error("Id node " + this.node + " was taken over by " + this.lostTo + " in " + this.database
					+ ": this instance (" + this.owner + ") generates no more ids; restart it");
			stopRenewing();
			return false;
		}
	}

	/**
	 * Stop renewing, as an instance whose process stalls would; for tests.
	 */
	synchronized void stopRenewing() {
		if (this.renewal != null) {
			this.renewal.cancel(false);
			this.renewal = null;
		}
	}

	private void renewQuietly() {
		try {
			renew();
		}
		catch (SQLException | RuntimeException ex) {
			if (this.closed) {
				// close() interrupted it; the release follows.
				return;
			}
			logger.warn("Cannot renew the lease of id node " + this.node + " in " + this.database
					+ "; ids stop at " + Instant.ofEpochMilli(this.validUntilMillis) + " unless a renewal succeeds: "
					+ ex.getMessage());
		}
	}

	/**
	 * Stop renewing and release the node, so that a restarted instance need not wait for
	 * the lease to expire.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		stopRenewing();
		if (this.renewer != null) {
			this.renewer.shutdownNow();
		}
		this.validUntilMillis = Long.MIN_VALUE;
		if (this.lostTo != null || this.node < 0) {
			return;
		}
		// Bounded: with the database gone, getting a connection would wait for the pool's
		// connection timeout and hold up the shutdown; the lease expires on its own.
		Thread release = new Thread(this::release, "shardwise-node-lease-release-" + this.node);
		release.setDaemon(true);
		release.start();
		try {
			release.join(RELEASE_WAIT_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (release.isAlive()) {
			logger.warn("Gave up releasing id node " + this.node + " in " + this.database + " after "
					+ RELEASE_WAIT_MILLIS + " ms; it expires on its own");
		}
	}

	private void release() {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement delete = connection
					.prepareStatement("delete from " + TABLE + " where node = ? and owner = ?")) {
			delete.setInt(1, this.node);
			delete.setString(2, this.owner);
			delete.executeUpdate();
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Cannot release id node " + this.node + " in " + this.database + "; it expires on its own: "
					+ ex.getMessage());
		}
	}

	private String holder(Connection connection) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement("select owner from " + TABLE + " where node = ?")) {
			select.setInt(1, this.node);
			try (ResultSet row = select.executeQuery()) {
				return row.next() ? row.getString(1) : null;
			}
		}
	}

	private static void createTable(Connection connection) throws SQLException {
		String ddl = "create table if not exists " + TABLE
				+ " (node integer not null primary key, owner varchar(200) not null, expires_at bigint not null)";
		try (Statement statement = connection.createStatement()) {
			statement.execute(ddl);
		}
		catch (SQLException ex) {
			// Two instances creating the table at once: one of them may fail, after which it exists.
			try (Statement statement = connection.createStatement()) {
				statement.execute(ddl);
			}
		}
	}

	private boolean insert(Connection connection, int node, long now) throws SQLException {
		try (PreparedStatement insert = connection
			.prepareStatement("insert into " + TABLE + " (node, owner, expires_at) values (?, ?, ?)")) {
			insert.setInt(1, node);
			insert.setString(2, this.owner);
			insert.setLong(3, now + this.durationMillis);
			return insert.executeUpdate() == 1;
		}
		catch (SQLException ex) {
			if (ex.getSQLState() != null && ex.getSQLState().startsWith("23")) {
				// Another instance inserted it first.
				return false;
			}
			throw ex;
		}
	}

	/** Take an expired lease over, unless another instance renewed or took it meanwhile. */
	private boolean takeOver(Connection connection, int node, long expiredAt, long now) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(
				"update " + TABLE + " set owner = ?, expires_at = ? where node = ? and expires_at = ?")) {
			update.setString(1, this.owner);
			update.setLong(2, now + this.durationMillis);
			update.setInt(3, node);
			update.setLong(4, expiredAt);
			return update.executeUpdate() == 1;
		}
	}

	private static String newOwner() {
		String host = System.getenv("HOSTNAME");
		return ((host != null && !host.isBlank()) ? host : "host") + "/" + ProcessHandle.current().pid() + "/"
				+ UUID.randomUUID().toString().substring(0, 8);
	}

}
