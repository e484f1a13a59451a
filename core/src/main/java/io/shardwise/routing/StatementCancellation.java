package io.shardwise.routing;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lets one shard call, running on its own thread, be stopped at the database: the
 * connections that {@link ShardRoutingDataSource} hands out on that thread remember the
 * statements they create, refuse to create statements once the call is cancelled or
 * its deadline has passed, and, if asked to, give each statement a query timeout that
 * ends at the deadline.
 *
 * <p>Interrupting the thread alone is not enough: on a virtual thread (Java 21+) an
 * interrupt closes the socket of a statement in progress, the server keeps running the
 * statement, and the pool opens a replacement connection, so the server ends up with
 * more connections than the pool's size. {@link #cancel(List)} instead tells the caller
 * whether the call holds a connection; if so, the caller cancels its statements
 * ({@link Statement#cancel()}, which the database answers by failing the statement), and
 * the connection goes back to the pool intact.
 */
public final class StatementCancellation {

	private static final ThreadLocal<StatementCancellation> CURRENT = new ThreadLocal<>();

	/**
	 * The constructor of the tracking connections' proxy class, looked up once:
	 * {@code Proxy.newProxyInstance} looks the class up again on every call.
	 */
	private static final Constructor<?> TRACKING_PROXY = trackingProxyConstructor();

	private final long deadlineNanos;

	private final boolean hasDeadline;

	private final boolean timesStatements;

	private final List<Statement> statements = new ArrayList<>();

	private int openConnections;

	private Thread waiting;

	private boolean waitInterrupted;

	private boolean cancelled;

	/**
	 * Create the cancellation of one shard call.
	 * @param deadlineNanos the {@link System#nanoTime()} after which the call may not
	 * start statements, if {@code hasDeadline}
	 * @param hasDeadline whether the call has a deadline
	 * @param timesStatements whether each statement gets the rest of the deadline as its
	 * query timeout, so that the driver stops it even if no one cancels it; some drivers
	 * charge for that on every statement (H2 runs a {@code SET} and parses the next
	 * statement again), so a caller that cancels at the deadline itself passes
	 * {@code false}
	 */
	public StatementCancellation(long deadlineNanos, boolean hasDeadline, boolean timesStatements) {
		this.deadlineNanos = deadlineNanos;
		this.hasDeadline = hasDeadline;
		this.timesStatements = hasDeadline && timesStatements;
	}

	/**
	 * Return whether the call has a deadline and it has passed.
	 * @param nowNanos the current {@link System#nanoTime()}
	 * @return whether the call is late
	 */
	public boolean isPastDeadline(long nowNanos) {
		return this.hasDeadline && nowNanos - this.deadlineNanos >= 0;
	}

	/**
	 * Make this the cancellation of the calls on the current thread, until {@link #exit()}.
	 */
	public void enter() {
		CURRENT.set(this);
	}

	/**
	 * End this cancellation's scope on the current thread.
	 */
	public void exit() {
		CURRENT.remove();
	}

	/**
	 * Take a connection from a shard's pool for the call on the current thread, if any,
	 * and track it. While the call waits for the pool, {@link #interruptConnectionWait()}
	 * may interrupt the wait; the interrupt is then cleared again, so that it reaches
	 * nothing but the wait.
	 */
	static Connection connect(ConnectionSource pool) throws SQLException {
		StatementCancellation current = CURRENT.get();
		return (current != null) ? current.connectTracked(pool) : pool.getConnection();
	}

	private Connection connectTracked(ConnectionSource pool) throws SQLException {
		synchronized (this) {
			if (this.cancelled) {
				throw cancelledException();
			}
			this.waiting = Thread.currentThread();
		}
		Connection connection = null;
		SQLException failure = null;
		try {
			connection = pool.getConnection();
		}
		catch (SQLException ex) {
			failure = ex;
		}
		finally {
			boolean interrupted;
			synchronized (this) {
				this.waiting = null;
				interrupted = this.waitInterrupted;
				this.waitInterrupted = false;
			}
			if (interrupted) {
				// Ours, and delivered before the lock was taken: clear it.
				Thread.interrupted();
				if (connection != null) {
					connection.close();
				}
				SQLException cancelled = cancelledException();
				if (failure != null) {
					cancelled.addSuppressed(failure);
				}
				throw cancelled;
			}
		}
		if (failure != null) {
			throw failure;
		}
		return tracked(connection);
	}

	/**
	 * Interrupt the call's thread if it is waiting for a connection from a shard's pool
	 * (a dead shard's pool waits up to its connection timeout): for a call that runs on
	 * its caller's thread, where no one else can stop that wait. A thread that holds a
	 * connection is never interrupted here.
	 */
	public synchronized void interruptConnectionWait() {
		if (this.waiting != null && !this.waitInterrupted) {
			this.waitInterrupted = true;
			this.waiting.interrupt();
		}
	}

	private synchronized Connection tracked(Connection connection) {
		this.openConnections++;
		try {
			return (Connection) TRACKING_PROXY.newInstance(new TrackingConnection(connection));
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot create a tracking connection", ex);
		}
	}

	private static Constructor<?> trackingProxyConstructor() {
		Class<?> proxyClass = Proxy.newProxyInstance(StatementCancellation.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> null).getClass();
		try {
			return proxyClass.getConstructor(InvocationHandler.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException("A proxy class without its InvocationHandler constructor", ex);
		}
	}

	/**
	 * Cancel the call: statements it creates from now on fail, and the statements of its
	 * open connections are added to {@code running}, to be cancelled with
	 * {@link #cancelStatements(List)} (off the caller's thread: cancelling talks to the
	 * database).
	 * @param running where to add the statements of the call's open connections
	 * @return whether the call holds a connection (with or without statements yet), when
	 * interrupting its thread would break the connection
	 */
	public synchronized boolean cancel(List<Statement> running) {
		this.cancelled = true;
		if (this.openConnections == 0) {
			return false;
		}
		running.addAll(this.statements);
		return true;
	}

	/**
	 * Cancel statements, ignoring those that are closed or not running.
	 * @param statements the statements
	 */
	public static void cancelStatements(List<Statement> statements) {
		for (Statement statement : statements) {
			try {
				statement.cancel();
			}
			catch (SQLException | RuntimeException ex) {
				// Closed, or finished meanwhile: nothing to cancel.
			}
		}
	}

	private synchronized void register(Statement statement) throws SQLException {
		if (this.cancelled) {
			statement.close();
			throw cancelledException();
		}
		this.statements.add(statement);
		if (!this.hasDeadline) {
			return;
		}
		long remaining = this.deadlineNanos - System.nanoTime();
		if (remaining <= 0) {
			statement.close();
			throw cancelledException();
		}
		if (this.timesStatements) {
			// Whole seconds, rounded up: the driver stops a statement the deadline missed
			// even if no one is left to cancel it.
			statement.setQueryTimeout((int) Math.max(1, (TimeUnit.NANOSECONDS.toMillis(remaining) + 999) / 1000));
		}
	}

	private synchronized void closed() {
		this.openConnections--;
		if (this.openConnections == 0) {
			this.statements.clear();
		}
	}

	private static SQLTimeoutException cancelledException() {
		return new SQLTimeoutException("The shard call was cancelled: its fan-out deadline passed or another shard "
				+ "failed");
	}

	private final class TrackingConnection implements InvocationHandler {

		private final Connection target;

		private boolean closed;

		TrackingConnection(Connection target) {
			this.target = target;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("equals")) {
				return proxy == args[0];
			}
			if (name.equals("hashCode")) {
				return System.identityHashCode(proxy);
			}
			if (name.equals("toString")) {
				return "Cancellable " + this.target;
			}
			Object result;
			try {
				result = method.invoke(this.target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
			if (result instanceof Statement statement) {
				register(statement);
			}
			else if (name.equals("close") && !this.closed) {
				this.closed = true;
				closed();
			}
			return result;
		}

	}

	/**
	 * Where a connection comes from: a shard's pool.
	 */
	@FunctionalInterface
	interface ConnectionSource {

		Connection getConnection() throws SQLException;

	}

}
