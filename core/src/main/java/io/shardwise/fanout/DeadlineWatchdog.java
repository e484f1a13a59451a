package io.shardwise.fanout;

import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import io.shardwise.routing.StatementCancellation;

/**
 * Cancels the statements of fan-outs that run shard after shard on their callers'
 * threads once their deadline has passed: no worker is left to do it, since the blocked
 * statement is the caller's own. It replaces a query timeout on every statement, which
 * some drivers charge for on each one (H2 runs a {@code SET} and parses the next
 * statement again, about 2 µs against a 1 µs statement).
 *
 * <p>One daemon thread, started by the first {@link #watch watch}, looks at the watched
 * fan-outs every tick: a tenth of the fan-out timeout, between 10 ms and 1 s, so a
 * statement is stopped at most that long after the deadline. It cancels a late
 * fan-out's statements again on every tick until the fan-out ends, since a statement
 * that has been created but has not started running ignores a cancel; once cancelled,
 * the fan-out cannot create statements. A caller still waiting for a connection (from
 * the pool of a shard that is down) is interrupted in that wait. Watching costs a set
 * entry, not a wake-up of the thread.
 */
final class DeadlineWatchdog implements AutoCloseable {

	private final Set<StatementCancellation> watched = ConcurrentHashMap.newKeySet();

	private final long tickNanos;

	private volatile Thread thread;

	private volatile boolean closed;

	/**
	 * Create a watchdog for fan-outs of the given timeout.
	 * @param timeout the fan-out timeout
	 */
	DeadlineWatchdog(Duration timeout) {
		this.tickNanos = Math.min(Math.max(timeout.toNanos() / 10, Duration.ofMillis(10).toNanos()),
				Duration.ofSeconds(1).toNanos());
	}

	/**
	 * Cancel the given fan-out's statements once its deadline has passed, unless
	 * {@link #unwatch unwatched} first.
	 * @param cancellation the fan-out's cancellation, with its deadline
	 */
	void watch(StatementCancellation cancellation) {
		this.watched.add(cancellation);
		if (this.thread == null) {
			start();
		}
	}

	/**
	 * Stop watching a fan-out, which has ended.
	 * @param cancellation the fan-out's cancellation
	 */
	void unwatch(StatementCancellation cancellation) {
		this.watched.remove(cancellation);
	}

	private synchronized void start() {
		if (this.thread == null && !this.closed) {
			Thread watchdog = new Thread(this::run, "shardwise-fanout-deadlines");
			watchdog.setDaemon(true);
			watchdog.start();
			this.thread = watchdog;
		}
	}

	private void run() {
		while (!this.closed) {
			LockSupport.parkNanos(this, this.tickNanos);
			long now = System.nanoTime();
			for (StatementCancellation cancellation : this.watched) {
				if (cancellation.isPastDeadline(now)) {
					// On every tick until the fan-out ends: a statement created but not yet
					// running ignores a cancel (H2, PostgreSQL), so one attempt can miss it.
					List<Statement> running = new ArrayList<>();
					cancellation.cancel(running);
					StatementCancellation.cancelStatements(running);
					// A dead shard's pool waits up to its connection timeout, past the deadline.
					cancellation.interruptConnectionWait();
				}
			}
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.thread != null) {
			LockSupport.unpark(this.thread);
		}
	}

}
