package io.shardwise.unitofwork;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardFailures;
import io.shardwise.routing.ShardRoutingDataSource;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.ShardUnavailableException;
import io.shardwise.routing.ShardedTransaction;
import io.shardwise.routing.Shards;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.ConnectionProxy;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.ResourceHolderSupport;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * One Spring-managed transaction across shards: it reads from any number of shards and
 * writes to one. The model is SQLAlchemy's {@code ShardedSession}: one session and one
 * connection per shard touched, all bound for the length of the transaction.
 *
 * <ul>
 * <li>The transaction's own resources (the connection and, with JPA, the EntityManager
 * its transaction manager opened) belong to its <em>home shard</em>: the shard selected
 * when it began, or else the first shard a call inside it is routed to.
 * <li>A call routed to another shard inside the transaction runs on that shard's own
 * connection (and EntityManager), opened at its first use and kept until the transaction
 * ends. Spring's transaction resources are switched, not replaced: repositories,
 * {@code JdbcTemplate} and {@code @PersistenceContext} EntityManagers keep working, and
 * entities stay managed by the EntityManager of the shard they came from, so their lazy
 * associations load from that shard.
 * <li>The first shard written to becomes the transaction's <em>write shard</em>. A write
 * to any other shard is refused before it runs (a repository write, a bulk
 * {@code @Modifying} query, an insert, update or delete that a flush is about to issue),
 * naming both shards, and the transaction is marked rollback-only. At commit every
 * shard's connection is asked whether it wrote (JDBC writes are invisible to Shardwise
 * until then), and a second writer rolls everything back.
 * </ul>
 *
 * Outside a transaction nothing of this applies: each routed call opens (or not) its own
 * transaction on its shard. The unit of work lives on Spring's transaction
 * synchronization, which transaction managers enable by default; one set to
 * {@code SYNCHRONIZATION_NEVER} is not supported.
 */
public final class ShardUnitOfWork implements ShardedTransaction, TransactionSynchronization {

	private static final Log logger = LogFactory.getLog(ShardUnitOfWork.class);

	private static final boolean JPA_PRESENT = ClassUtils.isPresent("org.springframework.orm.jpa.EntityManagerHolder",
			ShardUnitOfWork.class.getClassLoader())
			&& ClassUtils.isPresent("org.hibernate.Session", ShardUnitOfWork.class.getClassLoader());

	private final Shard home;

	private final boolean readOnly;

	private final Integer isolation;

	/** The other shards touched, with their connections (and sessions). */
	private final Map<Shard, ShardConnection> others = new LinkedHashMap<>();

	private Shard writeShard;

	private String firstWrite;

	private String rollbackReason;

	private boolean switching;

	private ConnectionHolder homeConnection;

	/** The shards of the routing DataSource, for their availability; {@code null} if unknown. */
	private Shards shards;

	private JpaUnitOfWork jpa;

	private ShardUnitOfWork(Shard home) {
		this.home = home;
		this.readOnly = TransactionSynchronizationManager.isCurrentTransactionReadOnly();
		this.isolation = TransactionSynchronizationManager.getCurrentTransactionIsolationLevel();
	}

	/**
	 * Run an action on a shard, inside the current transaction's unit of work if there is
	 * one. This is the entry point of every routed call.
	 * @param <T> the result type
	 * @param target the shard
	 * @param action the action
	 * @return the action's result
	 * @throws ShardRoutingException if the transaction cannot reach the shard
	 * @throws Throwable whatever the action throws
	 */
	public static <T> T callOn(Shard target, ShardContext.Action<T> action) throws Throwable {
		if (TransactionSynchronizationManager.isActualTransactionActive()) {
			enter(target);
		}
		return ShardContext.callOn(target, action);
	}

	/**
	 * Prepare the current transaction, if there is one, for statements on a shard that
	 * code selects itself rather than through {@link #callOn} (context propagation onto a
	 * thread that runs inside a transaction).
	 * @param target the shard about to be selected
	 */
	public static void join(Shard target) {
		if (target != null && TransactionSynchronizationManager.isActualTransactionActive()) {
			enter(target);
		}
	}

	/**
	 * Declare that a call is about to write to a shard, so that a second write shard in
	 * the same transaction is refused before the call runs. Outside a transaction this
	 * does nothing.
	 * @param target the shard the call writes to
	 * @param operation the call, for the message
	 * @throws ShardRoutingException if the transaction already wrote to another shard
	 */
	public static void beforeWrite(Shard target, String operation) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return;
		}
		enter(target).recordWrite(target, operation);
	}

	/**
	 * Return the unit of work of the current transaction, or {@code null}.
	 * @return the unit of work or {@code null}
	 */
	public static ShardUnitOfWork current() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return null;
		}
		Object bound = TransactionSynchronizationManager.getResource(ShardedTransaction.class);
		return (bound instanceof ShardUnitOfWork unitOfWork) ? unitOfWork : null;
	}

	private static ShardUnitOfWork enter(Shard target) {
		ShardUnitOfWork unitOfWork = current();
		if (unitOfWork == null) {
			Shard selected = ShardContext.currentShard();
			// An actual transaction is active only with synchronization, which binds the unit of
			// work to it; a transaction manager set to SYNCHRONIZATION_NEVER is not supported.
			unitOfWork = new ShardUnitOfWork((selected != null) ? selected : target);
			TransactionSynchronizationManager.bindResource(ShardedTransaction.class, unitOfWork);
			TransactionSynchronizationManager.registerSynchronization(unitOfWork);
		}
		if (!unitOfWork.home.equals(target) && !unitOfWork.switching) {
			unitOfWork.startSwitching();
		}
		return unitOfWork;
	}

	@Override
	public Shard homeShard() {
		return this.home;
	}

	@Override
	public Shard shardOf(Object entity) {
		return (this.jpa != null) ? this.jpa.shardOf(entity) : null;
	}

	/**
	 * Return the shard whose EntityManager in this transaction manages an entity that is
	 * about to be written to a shard, or {@code null} if none does. Until the transaction
	 * calls another shard only the home shard's EntityManager can manage it, and it is
	 * asked only when the write goes elsewhere, the one case where its answer matters.
	 * @param entity the entity
	 * @param target the shard the write is routed to
	 * @return the managing shard, or {@code null}
	 */
	public Shard shardManaging(Object entity, Shard target) {
		if (this.jpa != null) {
			return this.jpa.shardOf(entity);
		}
		if (!JPA_PRESENT || this.switching || this.home.equals(target)) {
			return null;
		}
		return JpaUnitOfWork.homeManages(entity) ? this.home : null;
	}

	@Override
	public Shard shardOfSession(Object session) {
		for (ShardConnection connection : this.others.values()) {
			if (connection.session == session) {
				return connection.shard;
			}
		}
		return this.home;
	}

	/**
	 * Return the shard a statement issued now belongs to: the selected shard if this unit
	 * of work can serve it, else the home shard.
	 */
	Shard activeShard() {
		Shard selected = ShardContext.currentShard();
		return (selected != null) ? selected : this.home;
	}

	boolean isReadOnly() {
		return this.readOnly;
	}

	/**
	 * Record a write to a shard.
	 * @param target the shard written to
	 * @param operation what writes, for the message
	 * @throws ShardRoutingException if the transaction already wrote to another shard
	 */
	void recordWrite(Shard target, String operation) {
		if (this.writeShard == null) {
			this.writeShard = target;
			this.firstWrite = operation;
			return;
		}
		if (!this.writeShard.equals(target)) {
			String message = operation + " would write to shard '" + target.id() + "' inside a transaction that "
					+ "already wrote to shard '" + this.writeShard.id() + "' (" + this.firstWrite
					+ "); a transaction reads from any shard but writes to one. Write to each shard in a "
					+ "transaction of its own";
			markRollbackOnly(message);
			throw new ShardRoutingException(message);
		}
	}

	/**
	 * Return the connection of a shard other than the home shard, opening it (and its
	 * transaction) at first use.
	 */
	ShardConnection connection(Shard shard) {
		ShardConnection connection = this.others.get(shard);
		if (connection == null) {
			connection = new ShardConnection(shard, open(shard));
			this.others.put(shard, connection);
		}
		return connection;
	}

	List<ShardConnection> otherConnections() {
		return new ArrayList<>(this.others.values());
	}

	private Connection open(Shard shard) {
		String outOfService = (this.shards != null) ? this.shards.availability().reasonOutOfService(shard.id()) : null;
		if (outOfService != null) {
			// As the routing DataSource does: a shard held out of service fails at once.
			throw new ShardUnavailableException(shard.id(), outOfService, null);
		}
		Connection connection;
		try {
			connection = shard.dataSource().getConnection();
		}
		catch (SQLException ex) {
			throw new ShardUnavailableException(shard.id(), ex);
		}
		try {
			connection.setAutoCommit(false);
			if (this.readOnly) {
				connection.setReadOnly(true);
			}
			if (this.isolation != null) {
				connection.setTransactionIsolation(this.isolation);
			}
			return connection;
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			throw new ShardUnavailableException(shard.id(), ex);
		}
	}

	/**
	 * Swap the transaction's Shardwise resources for ones that follow the selected shard,
	 * after fixing the home resources on the home shard: from now on a statement of theirs
	 * can run inside a call routed elsewhere, and must still reach the home shard.
	 */
	private void startSwitching() {
		this.switching = true;
		for (Map.Entry<Object, Object> resource : new ArrayList<>(
				TransactionSynchronizationManager.getResourceMap().entrySet())) {
			Object key = resource.getKey();
			Object value = resource.getValue();
			if (value instanceof ConnectionHolder holder && key instanceof DataSource dataSource
					&& isShardwise(dataSource)) {
				this.homeConnection = holder;
				this.shards = shardsOf(dataSource);
				pinToHome(holder.getConnection());
				TransactionSynchronizationManager.unbindResource(key);
				TransactionSynchronizationManager.bindResource(key, new RoutingConnectionHolder(this, holder));
			}
			else if (JPA_PRESENT && this.jpa == null) {
				this.jpa = JpaUnitOfWork.install(this, key, value);
			}
		}
	}

	/**
	 * Make a lazy connection of the routing DataSource fetch its physical connection now,
	 * with the home shard selected, so that its first statement cannot land elsewhere.
	 */
	void pinToHome(Connection connection) {
		if (connection instanceof ConnectionProxy proxy) {
			try {
				ShardContext.callOn(this.home, proxy::getTargetConnection);
			}
			catch (SQLException ex) {
				throw new ShardUnavailableException(this.home.id(), ex);
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	private static Shards shardsOf(DataSource dataSource) {
		try {
			return dataSource.unwrap(ShardRoutingDataSource.class).getShards();
		}
		catch (SQLException ex) {
			return null;
		}
	}

	private static boolean isShardwise(DataSource dataSource) {
		try {
			return dataSource.isWrapperFor(ShardRoutingDataSource.class);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * Mark the transaction rollback-only, so that it rolls back even if the caller
	 * catches the exception that follows.
	 * @param reason why, for the commit's exception
	 */
	void markRollbackOnly(String reason) {
		if (this.rollbackReason == null) {
			this.rollbackReason = reason;
		}
		markRollbackOnly(TransactionSynchronizationManager.getResourceMap().values());
		if (this.homeConnection != null) {
			this.homeConnection.setRollbackOnly();
		}
		if (this.jpa != null) {
			this.jpa.markRollbackOnly();
		}
	}

	/**
	 * Mark every transactional resource rollback-only the way its transaction manager
	 * asks: a {@code DataSourceTransactionManager} asks its connection holder,
	 * {@code JpaTransactionManager} the JPA transaction of its EntityManager.
	 */
	private static void markRollbackOnly(Iterable<Object> resources) {
		for (Object resource : resources) {
			if (resource instanceof ResourceHolderSupport holder) {
				holder.setRollbackOnly();
			}
			if (JPA_PRESENT) {
				JpaUnitOfWork.markRollbackOnly(resource);
			}
		}
	}

	// TransactionSynchronization: the unit of work ends with its transaction.

	@Override
	public void suspend() {
		TransactionSynchronizationManager.unbindResourceIfPossible(ShardedTransaction.class);
	}

	@Override
	public void resume() {
		TransactionSynchronizationManager.bindResource(ShardedTransaction.class, this);
	}

	@Override
	public int getOrder() {
		// Before the synchronizations of other resources, so that a refused commit stops
		// them from committing anything.
		return Integer.MIN_VALUE;
	}

	/**
	 * Flush every shard's session, check that at most one shard wrote, and commit the
	 * write shard if it is not the home shard. The transaction manager then commits the
	 * home shard, which has nothing to write if another shard did.
	 */
	@Override
	public void beforeCommit(boolean readOnly) {
		if (this.rollbackReason != null) {
			throw new UnexpectedRollbackException(
					"Transaction rolled back because a call inside it was refused: " + this.rollbackReason);
		}
		if (this.others.isEmpty()) {
			return;
		}
		if (this.jpa != null) {
			this.jpa.beforeCommit();
		}
		List<Shard> written = new ArrayList<>();
		if (TransactionWrites.wrote(this.home, homeConnectionForCheck())) {
			written.add(this.home);
		}
		for (ShardConnection connection : this.others.values()) {
			if (TransactionWrites.wrote(connection.shard, connection.connection)) {
				written.add(connection.shard);
			}
		}
		if (this.writeShard != null && !written.contains(this.writeShard)) {
			written.add(0, this.writeShard);
		}
		if (written.size() > 1) {
			String message = "Transaction wrote to shards "
					+ String.join(" and ", written.stream().map((shard) -> "'" + shard.id() + "'").toList())
					+ "; a transaction reads from any shard but writes to one. Nothing was committed";
			this.rollbackReason = message;
			throw new ShardRoutingException(message);
		}
		for (ShardConnection connection : this.others.values()) {
			if (written.contains(connection.shard)) {
				try {
					connection.commit();
				}
				catch (RuntimeException ex) {
					throw (this.jpa != null) ? this.jpa.translate(ex, connection.shard) : ex;
				}
			}
		}
	}

	private Connection homeConnectionForCheck() {
		if (this.homeConnection != null) {
			return this.homeConnection.getConnection();
		}
		return (this.jpa != null) ? this.jpa.homeConnection() : null;
	}

	@Override
	public void afterCompletion(int status) {
		TransactionSynchronizationManager.unbindResourceIfPossible(ShardedTransaction.class);
		for (ShardConnection connection : this.others.values()) {
			connection.close();
		}
		this.others.clear();
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			logger.debug("Could not close a shard connection", ex);
		}
	}

	@Override
	public String toString() {
		return "ShardUnitOfWork[home=" + this.home + ", others=" + this.others.keySet() + ", writes="
				+ this.writeShard + "]";
	}

	/**
	 * The connection (and, with JPA, the session) of one shard other than the home shard.
	 */
	static final class ShardConnection {

		final Shard shard;

		final Connection connection;

		/** The Hibernate session on this connection, or {@code null}. */
		Object session;

		private boolean committed;

		ShardConnection(Shard shard, Connection connection) {
			this.shard = shard;
			this.connection = connection;
		}

		void commit() {
			try {
				if (this.session != null) {
					JpaUnitOfWork.commit(this.session);
				}
				else {
					this.connection.commit();
				}
				this.committed = true;
			}
			catch (SQLException ex) {
				throw ShardFailures.translate("commit", ex, this.connection, this.shard);
			}
		}

		void close() {
			try {
				if (this.session != null) {
					JpaUnitOfWork.close(this.session, this.committed);
				}
				if (!this.committed) {
					this.connection.rollback();
				}
			}
			catch (SQLException | RuntimeException ex) {
				logger.debug("Could not roll back shard '" + this.shard.id() + "'", ex);
			}
			finally {
				try {
					if (this.connection.isReadOnly()) {
						this.connection.setReadOnly(false);
					}
					this.connection.setAutoCommit(true);
				}
				catch (SQLException ex) {
					logger.debug("Could not reset a connection of shard '" + this.shard.id() + "'", ex);
				}
				closeQuietly(this.connection);
			}
		}

	}

}
