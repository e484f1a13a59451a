package io.shardwise.context;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.unitofwork.ShardUnitOfWork;

import org.springframework.core.task.TaskDecorator;

/**
 * Runs a task with the shard that was selected on the thread that submitted it
 * ({@link ShardContext#currentShard()}), or with none, and restores the worker thread's
 * own selection when the task ends, also when it throws. A pooled thread therefore never
 * carries one task's shard into the next task.
 *
 * <p>Only the selection travels. The caller's transaction does not: work on another
 * thread runs outside it (statements on their own connection, in their own transaction
 * if the task opens one, which then belongs to the carried shard). Neither does a shard
 * that a transaction was bound to by an earlier call without a selection still active.
 *
 * <p>Spring Boot applies every {@code TaskDecorator} bean to its auto-configured
 * executors (and so to {@code @Async}); set it on other executors with
 * {@code setTaskDecorator}, for example a {@code TaskExecutorAdapter} around an
 * {@code ExecutorService} used with {@code CompletableFuture.supplyAsync}.
 */
public final class ShardContextTaskDecorator implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable runnable) {
		Shard shard = ShardContext.currentShard();
		return () -> {
			ShardUnitOfWork.join(shard);
			Shard previous = ShardContext.select(shard);
			try {
				runnable.run();
			}
			finally {
				ShardContext.restore(previous);
			}
		};
	}

}
