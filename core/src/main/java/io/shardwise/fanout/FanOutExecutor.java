package io.shardwise.fanout;

import java.lang.reflect.Method;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardFailures;
import io.shardwise.routing.ShardUnavailableException;
import io.shardwise.routing.StatementCancellation;
import io.shardwise.unitofwork.ShardUnitOfWork;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * Runs one call on several shards, each with its shard selected (and so in its own
 * transaction, if the call opens one): in parallel, each on its own worker thread, or,
 * where that has been measured to be cheaper for the workload (statements of a few
 * microseconds, which cost less than handing them to other threads), one after the
 * other on the calling thread (see {@link #execute(ShardCallKind, String, Object, List, ShardCall)}).
 *
 * <p>A failure that belongs to the call rather than to a shard (see
 * {@link CallErrors}: a routing error, a bad argument or sort property, a second row for
 * a single result) is rethrown as it is, whatever the policy. A failure that means the
 * shard cannot be reached is reported as a {@link ShardUnavailableException} naming it,
 * whichever layer raised it.
 *
 * <p>Workers are virtual threads when the JVM has them (Java 21+), platform threads of a
 * fixed pool otherwise; either way at most {@code maxParallelism} shard calls run at
 * once. A call that misses its deadline, or the first failure under
 * {@link FailurePolicy#FAIL}, stops the shard calls still running and the caller
 * returns at once: a call holding a connection has its statements cancelled at the
 * database (and they carry a query timeout ending at the deadline), so that its
 * connection returns to the pool intact; a call without one is interrupted (see
 * {@link StatementCancellation}). A fan-out started from inside a worker runs its calls one after the
 * other on that worker, so nested fan-outs cannot starve the pool.
 */
public final class FanOutExecutor implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(FanOutExecutor.class);

	private static final ThreadLocal<Boolean> WORKER = new ThreadLocal<>();

	private final ExecutorService executor;

	private final ThreadFactory virtualThreads;

	private final Semaphore permits;

	private final Duration timeout;

	private final FailurePolicy failurePolicy;

	private final ShardCallObserver observer;

	private final FanOutCosts costs = new FanOutCosts();

	private final long sequentialLimitNanos;

	private final DeadlineWatchdog deadlines;

	/**
	 * Create an executor with no deadline, the {@code fail} policy and no observer.
	 * @param maxParallelism the most shard calls that run at once, across all callers
	 */
	public FanOutExecutor(int maxParallelism) {
		this(maxParallelism, null, FailurePolicy.FAIL, ShardCallObserver.NONE);
	}

	/**
	 * Create an executor.
	 * @param maxParallelism the most shard calls that run at once, across all callers
	 * @param timeout the deadline of a whole fan-out, or {@code null} for none
	 * @param failurePolicy what to do when some shards fail
	 * @param observer observes every fan-out and shard call
	 */
	public FanOutExecutor(int maxParallelism, Duration timeout, FailurePolicy failurePolicy,
			ShardCallObserver observer) {
		Assert.isTrue(maxParallelism > 0, "maxParallelism must be positive");
		Assert.isTrue(timeout == null || (!timeout.isNegative() && !timeout.isZero()), "timeout must be positive");
		this.permits = new Semaphore(maxParallelism);
		this.virtualThreads = virtualThreadFactory();
		this.executor = (this.virtualThreads != null) ? perTaskExecutor(this.virtualThreads)
				: platformThreadPool(maxParallelism);
		this.timeout = timeout;
		this.failurePolicy = failurePolicy;
		this.observer = observer;
		// A sequential run must be expected to take a small part of the deadline, since it
		// checks the deadline only between shard calls.
		this.sequentialLimitNanos = (timeout != null) ? timeout.toNanos() / 100 : Long.MAX_VALUE;
		this.deadlines = (timeout != null) ? new DeadlineWatchdog(timeout) : null;
	}

	/**
	 * Run a call on each shard.
	 * @param <T> the result type
	 * @param kind the kind of the shard calls, for observation
	 * @param operation what is being run, for messages and observation; also the
	 * workload whose measured cost decides how the shard calls run
	 * @param shards the target shards
	 * @param call the call
	 * @return the results by shard, in the order of {@code shards}; under the partial
	 * policy, failed shards are absent
	 * @throws ShardFanOutException if the call failed on any shard under the fail policy,
	 * or on every shard
	 */
	public <T> Map<Shard, T> execute(ShardCallKind kind, String operation, List<Shard> shards, ShardCall<T> call) {
		return execute(kind, operation, operation, shards, call);
	}

	/**
	 * Run a call on each shard. The shard calls run in parallel on workers, or one after
	 * the other on the calling thread when that has been measured to be cheaper for this
	 * workload (small statements on fast databases, where handing calls to other threads
	 * costs more than the calls), the calling thread holds no shard, transaction or
	 * transaction resource, and the expected time is far within the deadline; sequential
	 * runs check the deadline before each shard call.
	 * @param <T> the result type
	 * @param kind the kind of the shard calls, for observation
	 * @param operation what is being run, for messages and observation
	 * @param workload what the shard calls do, for example the SQL text: fan-outs of the
	 * same workload are expected to cost alike
	 * @param shards the target shards
	 * @param call the call
	 * @return the results by shard, in the order of {@code shards}; under the partial
	 * policy, failed shards are absent
	 * @throws ShardFanOutException if the call failed on any shard under the fail policy,
	 * or on every shard
	 */
	public <T> Map<Shard, T> execute(ShardCallKind kind, String operation, Object workload, List<Shard> shards,
			ShardCall<T> call) {
		return this.observer.observeFanOut(kind, operation, shards, () -> {
			// On the caller's thread only when that cannot miss a deadline.
			if (shards.isEmpty() || Boolean.TRUE.equals(WORKER.get()) || (shards.size() == 1 && this.timeout == null)) {
				return executeSequentially(kind, operation, shards, call, false);
			}
			// Inside a transaction, always: its unit of work (one EntityManager and connection
			// per shard) is bound to this thread, and entities read through it stay managed.
			if (TransactionSynchronizationManager.isActualTransactionActive()) {
				return executeSequentially(kind, operation, shards, call, true);
			}
			FanOutCosts.Cost cost = this.costs.of(workload);
			if (cost == null) {
				return executeInParallel(kind, operation, shards, call);
			}
			long start = System.nanoTime();
			if (cost.runSequentially(this.sequentialLimitNanos) && callerMayRunShardCalls()) {
				try {
					return executeSequentially(kind, operation, shards, call, true);
				}
				finally {
					// Failures count too: a shard that held the caller up to the deadline (and
					// so the shards after it) makes the parallel way the cheaper one.
					cost.sequential(System.nanoTime() - start);
				}
			}
			AtomicLong shardCallNanos = new AtomicLong();
			Map<Shard, T> results = executeInParallel(kind, operation, shards, (shard) -> {
				long callStart = System.nanoTime();
				try {
					return call.call(shard);
				}
				finally {
					shardCallNanos.addAndGet(System.nanoTime() - callStart);
				}
			});
			if (results.size() == shards.size()) {
				cost.parallel(System.nanoTime() - start, shardCallNanos.get());
			}
			return results;
		});
	}

	/**
	 * Return whether shard calls may run on the calling thread as they would on a worker:
	 * no shard selected, and no transaction or transaction resource (such as an
	 * EntityManager bound for the request) that the shard calls would join or share.
	 */
	private static boolean callerMayRunShardCalls() {
		return ShardContext.currentShard() == null && !TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.getResourceMap().isEmpty();
	}

	/**
	 * Run one call on one shard, on the calling thread.
	 * @param <T> the result type
	 * @param kind why the call runs on this shard
	 * @param operation what is being run, for observation
	 * @param shard the shard
	 * @param action the call
	 * @return the call's result
	 * @throws Throwable whatever the call throws
	 */
	public <T> T run(ShardCallKind kind, String operation, Shard shard, ShardContext.Action<T> action)
			throws Throwable {
		try {
			return this.observer.observeShardCall(kind, operation, shard, () -> ShardUnitOfWork.callOn(shard, action));
		}
		catch (ShardFanOutException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// One exception for "shard unavailable", whichever layer reported it.
			ShardUnavailableException unavailable = ShardFailures.translate(ex, shard);
			throw (unavailable != null) ? unavailable : ex;
		}
	}

	private <T> Map<Shard, T> executeInParallel(ShardCallKind kind, String operation, List<Shard> shards,
			ShardCall<T> call) {
		long start = System.nanoTime();
		ExecutorCompletionService<T> completion = new ExecutorCompletionService<>(this.executor);
		Map<Future<T>, Shard> futures = new LinkedHashMap<>();
		Map<Future<T>, StatementCancellation> cancellations = new HashMap<>();
		long deadline = start + ((this.timeout != null) ? this.timeout.toNanos() : 0);
		for (Shard shard : shards) {
			StatementCancellation cancellation = new StatementCancellation(deadline, this.timeout != null, true);
			Future<T> future = completion
				.submit(this.observer.onWorker(() -> runOnWorker(kind, operation, shard, call, cancellation)));
			futures.put(future, shard);
			cancellations.put(future, cancellation);
		}
		Map<String, Throwable> failures = new LinkedHashMap<>();
		int pending = shards.size();
		boolean deadlinePassed = false;
		try {
			while (pending > 0 && (failures.isEmpty() || this.failurePolicy == FailurePolicy.PARTIAL)) {
				Future<T> done;
				if (this.timeout == null) {
					done = completion.take();
				}
				else {
					long remaining = this.timeout.toNanos() - (System.nanoTime() - start);
					done = (remaining > 0) ? completion.poll(remaining, TimeUnit.NANOSECONDS) : null;
				}
				if (done == null) {
					deadlinePassed = true;
					break;
				}
				pending--;
				try {
					done.get();
				}
				catch (ExecutionException ex) {
					failures.put(futures.get(done).id(), ex.getCause());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			cancelAll(futures, cancellations);
			throw new ShardFanOutException(operation, Map.of("(caller)", ex));
		}
		cancelAll(futures, cancellations);
		boolean missedDeadline = deadlinePassed;
		Map<Shard, T> results = new LinkedHashMap<>();
		futures.forEach((future, shard) -> {
			if (!failures.containsKey(shard.id())) {
				if (future.isDone() && !future.isCancelled()) {
					try {
						results.put(shard, future.get());
					}
					catch (ExecutionException ex) {
						failures.put(shard.id(), ex.getCause());
					}
					catch (InterruptedException | CancellationException ex) {
						failures.put(shard.id(), ex);
					}
				}
				else if (missedDeadline) {
					// Every shard still running missed the deadline: name them all.
					failures.put(shard.id(), new TimeoutException("No answer within the fan-out deadline of "
							+ this.timeout.toMillis() + " ms"));
				}
			}
		});
		return outcome(operation, results, failures);
	}

	private <T> T runOnWorker(ShardCallKind kind, String operation, Shard shard, ShardCall<T> call,
			StatementCancellation cancellation) throws Exception {
		this.permits.acquire();
		WORKER.set(Boolean.TRUE);
		cancellation.enter();
		try {
			return run(kind, operation, shard, () -> call.call(shard));
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			cancellation.exit();
			WORKER.remove();
			this.permits.release();
		}
	}

	/**
	 * Run the shard calls one after the other on the calling thread. {@code asWorker}: the
	 * caller stands in for the workers of a parallel run: each shard call holds one of the
	 * {@code maxParallelism} permits, a fan-out inside it runs sequentially as on a worker,
	 * the deadline is checked before each shard call, and (outside a transaction) a
	 * statement still running at the deadline is cancelled by the {@link DeadlineWatchdog}.
	 */
	private <T> Map<Shard, T> executeSequentially(ShardCallKind kind, String operation, List<Shard> shards,
			ShardCall<T> call, boolean asWorker) {
		long start = System.nanoTime();
		// No one is left to cancel a statement that blocks the caller (a locked table): the
		// watchdog cancels the statements once the deadline has passed, as the caller of a
		// parallel run would. Not inside a transaction, whose connections outlive the fan-out.
		StatementCancellation cancellation = (asWorker && this.timeout != null
				&& !TransactionSynchronizationManager.isSynchronizationActive())
						? new StatementCancellation(start + this.timeout.toNanos(), true, false) : null;
		if (cancellation != null) {
			this.deadlines.watch(cancellation);
		}
		try {
			return runOneAfterAnother(kind, operation, shards, call, asWorker, start, cancellation);
		}
		finally {
			if (cancellation != null) {
				this.deadlines.unwatch(cancellation);
			}
		}
	}

	private <T> Map<Shard, T> runOneAfterAnother(ShardCallKind kind, String operation, List<Shard> shards,
			ShardCall<T> call, boolean asWorker, long start, StatementCancellation cancellation) {
		Map<Shard, T> results = new LinkedHashMap<>();
		Map<String, Throwable> failures = new LinkedHashMap<>();
		for (int i = 0; i < shards.size(); i++) {
			Shard shard = shards.get(i);
			if (asWorker && !acquireBeforeDeadline(operation, start)) {
				// As in parallel: the shards not yet answered miss the deadline.
				for (Shard late : shards.subList(i, shards.size())) {
					failures.put(late.id(), new TimeoutException(
							"No answer within the fan-out deadline of " + this.timeout.toMillis() + " ms"));
				}
				break;
			}
			Boolean worker = asWorker ? WORKER.get() : null;
			if (asWorker) {
				WORKER.set(Boolean.TRUE);
			}
			if (cancellation != null) {
				cancellation.enter();
			}
			try {
				results.put(shard, run(kind, operation, shard, () -> call.call(shard)));
			}
			catch (RuntimeException | Error ex) {
				if (!asWorker && shards.size() == 1 && this.failurePolicy == FailurePolicy.FAIL) {
					throw ex;
				}
				failures.put(shard.id(), ex);
			}
			catch (Throwable ex) {
				failures.put(shard.id(), ex);
			}
			finally {
				if (cancellation != null) {
					cancellation.exit();
				}
				if (asWorker) {
					// set, not remove: the thread keeps its entry and the next call allocates nothing.
					WORKER.set(worker);
					this.permits.release();
				}
			}
			if (!failures.isEmpty() && this.failurePolicy == FailurePolicy.FAIL) {
				break;
			}
		}
		return outcome(operation, results, failures);
	}

	/**
	 * Take a permit for a shard call on the caller, waiting at most until the deadline.
	 * @return {@code false} if the deadline passed first
	 */
	private boolean acquireBeforeDeadline(String operation, long start) {
		try {
			if (this.timeout == null) {
				this.permits.acquire();
				return true;
			}
			long remaining = this.timeout.toNanos() - (System.nanoTime() - start);
			return remaining > 0 && this.permits.tryAcquire(remaining, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ShardFanOutException(operation, Map.of("(caller)", ex));
		}
	}

	private <T> Map<Shard, T> outcome(String operation, Map<Shard, T> results, Map<String, Throwable> failures) {
		if (failures.isEmpty()) {
			return results;
		}
		for (Throwable failure : failures.values()) {
			// Errors of the call itself (a usage error, a second row for a single result) are
			// not shard failures: no policy may hide them, and callers expect them as they are.
			if (CallErrors.isCallError(failure)) {
				throw (RuntimeException) failure;
			}
		}
		if (this.failurePolicy == FailurePolicy.FAIL || results.isEmpty()) {
			throw new ShardFanOutException(operation, failures);
		}
		List<String> missing = List.copyOf(failures.keySet());
		logger.warn(operation + " returns a partial result without shard(s) " + missing + ": "
				+ new ShardFanOutException(operation, failures).getMessage());
		PartialResult.recordMissing(missing);
		this.observer.onPartialResult(operation, missing);
		return results;
	}

	/**
	 * Stop the shard calls still running. A call that holds a connection is stopped at
	 * the database, by cancelling its statements, and not interrupted: on a virtual
	 * thread the interrupt would close the connection's socket while the server goes on
	 * running the statement, and the pool would open a replacement. A call without a
	 * connection (waiting for one, or for a permit) is interrupted.
	 */
	private <T> void cancelAll(Map<Future<T>, Shard> futures, Map<Future<T>, StatementCancellation> cancellations) {
		List<Statement> running = new ArrayList<>();
		for (Future<T> future : futures.keySet()) {
			if (!future.isDone()) {
				// A call that holds a connection but has no statement yet is not interrupted either.
				future.cancel(!cancellations.get(future).cancel(running));
			}
		}
		if (!running.isEmpty()) {
			// Cancelling talks to the database: not on the caller's thread, which returns now.
			startThread("shardwise-cancel", () -> StatementCancellation.cancelStatements(running));
		}
	}

	/**
	 * Start a long-running call on its own thread (a virtual thread when the JVM has
	 * them), outside the parallelism limit and the deadline: for producers that a
	 * consumer paces, such as the shard streams of a lazily merged stream.
	 * @param name the thread name
	 * @param task the task
	 * @return the started thread
	 */
	public Thread startThread(String name, Runnable task) {
		// Like fan-out workers, the thread carries the caller's context (trace, MDC).
		Callable<Void> observed = this.observer.onWorker(() -> {
			task.run();
			return null;
		});
		Runnable body = () -> {
			try {
				observed.call();
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		};
		Thread thread = (this.virtualThreads != null) ? this.virtualThreads.newThread(body) : new Thread(body);
		thread.setName(name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	/**
	 * Return whether shard calls run on virtual threads.
	 * @return whether the JVM provides virtual threads
	 */
	public boolean usesVirtualThreads() {
		return this.virtualThreads != null;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		if (this.deadlines != null) {
			this.deadlines.close();
		}
	}

	private static ThreadFactory virtualThreadFactory() {
		try {
			// Java 21+: Thread.ofVirtual().name("shardwise-fanout-", 0).factory(), looked up
			// reflectively to keep the Java 17 baseline.
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			builder = builderType.getMethod("name", String.class, long.class).invoke(builder, "shardwise-fanout-", 0L);
			return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return null;
		}
	}

	private static ExecutorService perTaskExecutor(ThreadFactory threads) {
		try {
			Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
			return (ExecutorService) perTask.invoke(null, threads);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Virtual threads without a per-task executor", ex);
		}
	}

	private static ExecutorService platformThreadPool(int maxParallelism) {
		AtomicInteger count = new AtomicInteger();
		java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(maxParallelism,
				maxParallelism, 30, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "shardwise-fanout-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	/**
	 * A call to run on one shard, with that shard selected.
	 *
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface ShardCall<T> {

		T call(Shard shard) throws Throwable;

	}

}
