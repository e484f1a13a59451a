package io.shardwise.fanout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import org.springframework.util.Assert;

/**
 * Runs one call on several shards in parallel, each on its own worker thread with its
 * shard selected (and so in its own transaction, if the call opens one). The first
 * failure cancels the calls still running and is reported, with any other failure, in
 * a {@link ShardFanOutException}.
 *
 * <p>A fan-out started from inside a fan-out worker runs its calls one after the other
 * on that worker, so that nested fan-outs cannot starve the bounded pool.
 */
public final class FanOutExecutor implements AutoCloseable {

	private final ThreadPoolExecutor pool;

	/**
	 * Create an executor.
	 * @param maxParallelism the most shard calls that run at once, across all callers
	 */
	public FanOutExecutor(int maxParallelism) {
		Assert.isTrue(maxParallelism > 0, "maxParallelism must be positive");
		AtomicInteger count = new AtomicInteger();
		this.pool = new ThreadPoolExecutor(maxParallelism, maxParallelism, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> new Worker(task, "shardwise-fanout-" + count.incrementAndGet()));
		this.pool.allowCoreThreadTimeOut(true);
	}

	/**
	 * Run a call on each shard and return the results in the order of the shards.
	 * @param <T> the result type
	 * @param operation what is being run, for error messages
	 * @param shards the target shards
	 * @param call the call
	 * @return the results, one per shard
	 * @throws ShardFanOutException if the call failed on any shard
	 */
	public <T> List<T> execute(String operation, List<Shard> shards, ShardCall<T> call) {
		if (shards.size() == 1 || Thread.currentThread() instanceof Worker) {
			return executeSequentially(operation, shards, call);
		}
		ExecutorCompletionService<T> completion = new ExecutorCompletionService<>(this.pool);
		Map<Future<T>, Shard> futures = new LinkedHashMap<>();
		for (Shard shard : shards) {
			futures.put(completion.submit(() -> {
				try {
					return ShardContext.callOn(shard, () -> call.call(shard));
				}
				catch (Exception | Error ex) {
					throw ex;
				}
				catch (Throwable ex) {
					throw new IllegalStateException(ex);
				}
			}), shard);
		}
		Map<String, Throwable> failures = new LinkedHashMap<>();
		try {
			for (int i = 0; i < shards.size() && failures.isEmpty(); i++) {
				Future<T> done = completion.take();
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
			futures.keySet().forEach((future) -> future.cancel(true));
			throw new ShardFanOutException(operation, Map.of("(caller)", ex));
		}
		if (!failures.isEmpty()) {
			futures.keySet().forEach((future) -> future.cancel(true));
			collectOtherFailures(futures, failures);
			throw new ShardFanOutException(operation, failures);
		}
		List<T> results = new ArrayList<>(shards.size());
		for (Future<T> future : futures.keySet()) {
			results.add(completedResult(future));
		}
		return results;
	}

	private static <T> T completedResult(Future<T> future) {
		try {
			return future.get();
		}
		catch (InterruptedException | ExecutionException ex) {
			throw new IllegalStateException("Future completed successfully but has no result", ex);
		}
	}

	private <T> void collectOtherFailures(Map<Future<T>, Shard> futures, Map<String, Throwable> failures) {
		futures.forEach((future, shard) -> {
			if (future.isDone() && !future.isCancelled() && !failures.containsKey(shard.id())) {
				try {
					future.get();
				}
				catch (ExecutionException ex) {
					failures.put(shard.id(), ex.getCause());
				}
				catch (InterruptedException | CancellationException ex) {
					// Cancelled after the first failure: nothing to report.
				}
			}
		});
	}

	private <T> List<T> executeSequentially(String operation, List<Shard> shards, ShardCall<T> call) {
		List<T> results = new ArrayList<>(shards.size());
		for (Shard shard : shards) {
			try {
				results.add(ShardContext.callOn(shard, () -> call.call(shard)));
			}
			catch (RuntimeException | Error ex) {
				if (shards.size() == 1) {
					throw ex;
				}
				throw new ShardFanOutException(operation, Map.of(shard.id(), ex));
			}
			catch (Throwable ex) {
				throw new ShardFanOutException(operation, Map.of(shard.id(), ex));
			}
		}
		return results;
	}

	@Override
	public void close() {
		this.pool.shutdownNow();
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

	private static final class Worker extends Thread {

		Worker(Runnable task, String name) {
			super(task, name);
			setDaemon(true);
		}

	}

}
