package io.shardwise.autoconfigure.observation;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;

/**
 * The one {@link ShardCallObserver} Shardwise installs: runs each call through every
 * part, the first part outermost.
 */
public final class CompositeShardCallObserver implements ShardCallObserver {

	private final List<ShardCallObserver> parts;

	/**
	 * Create a composite.
	 * @param parts the observers, the first outermost
	 */
	public CompositeShardCallObserver(List<? extends ShardCallObserver> parts) {
		this.parts = List.copyOf(parts);
	}

	/**
	 * Return the parts, the first outermost.
	 * @return the parts
	 */
	public List<ShardCallObserver> getParts() {
		return this.parts;
	}

	@Override
	public <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard, ShardContext.Action<T> call)
			throws Throwable {
		return shardCall(0, kind, operation, shard, call);
	}

	private <T> T shardCall(int part, ShardCallKind kind, String operation, Shard shard, ShardContext.Action<T> call)
			throws Throwable {
		if (part == this.parts.size()) {
			return call.run();
		}
		// The innermost part gets the call itself: one wrapper less per shard call.
		ShardContext.Action<T> inner = (part == this.parts.size() - 1) ? call
				: () -> shardCall(part + 1, kind, operation, shard, call);
		return this.parts.get(part).observeShardCall(kind, operation, shard, inner);
	}

	@Override
	public <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards, Supplier<T> fanOut) {
		return fanOut(0, kind, operation, shards, fanOut);
	}

	private <T> T fanOut(int part, ShardCallKind kind, String operation, List<Shard> shards, Supplier<T> fanOut) {
		if (part == this.parts.size()) {
			return fanOut.get();
		}
		Supplier<T> inner = (part == this.parts.size() - 1) ? fanOut
				: () -> fanOut(part + 1, kind, operation, shards, fanOut);
		return this.parts.get(part).observeFanOut(kind, operation, shards, inner);
	}

	@Override
	public <T> Callable<T> onWorker(Callable<T> task) {
		Callable<T> wrapped = task;
		for (int i = this.parts.size() - 1; i >= 0; i--) {
			wrapped = this.parts.get(i).onWorker(wrapped);
		}
		return wrapped;
	}

	@Override
	public void onPartialResult(String operation, List<String> failedShards) {
		this.parts.forEach((part) -> part.onPartialResult(operation, failedShards));
	}

	@Override
	public String toString() {
		return "CompositeShardCallObserver" + this.parts;
	}

}
