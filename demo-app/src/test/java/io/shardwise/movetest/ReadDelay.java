package io.shardwise.movetest;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.shardwise.autoconfigure.observation.ShardCallObserverPart;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;

import org.springframework.stereotype.Component;

/**
 * Holds chosen repository calls after they were routed and before they reach their shard,
 * as a machine under load may: the way to make a read arrive at its shard after a move
 * that happened since it was routed.
 */
@Component
class ReadDelay {

	private volatile Set<String> operations = new java.util.concurrent.ConcurrentSkipListSet<>();

	private volatile CountDownLatch entered = new CountDownLatch(0);

	private volatile CountDownLatch release = new CountDownLatch(0);

	/**
	 * Hold the next call of each of these operations ({@code CrudRepository.findById}).
	 * @return a latch that opens once every one is held, routed to the shard given
	 */
	synchronized CountDownLatch hold(Set<String> operations) {
		this.entered = new CountDownLatch(operations.size());
		this.release = new CountDownLatch(1);
		this.operations = new java.util.concurrent.ConcurrentSkipListSet<>(operations);
		return this.entered;
	}

	void release() {
		this.release.countDown();
	}

	ShardCallObserverPart part() {
		return new ShardCallObserverPart(ShardCallObserverPart.MDC_ORDER + 1, new ShardCallObserver() {

			@Override
			public <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard,
					ShardContext.Action<T> call) throws Throwable {
				if (ReadDelay.this.operations.remove(operation)) {
					ReadDelay.this.entered.countDown();
					ReadDelay.this.release.await(60, TimeUnit.SECONDS);
				}
				return call.run();
			}

		});
	}

}
