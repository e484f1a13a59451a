package io.shardwise.observation;

import java.util.List;
import java.util.function.Supplier;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;

/**
 * Observes the calls Shardwise runs on shards, for metrics, tracing and logging. The
 * default methods observe nothing, so an implementation overrides only what it needs.
 * Implementations must be thread-safe; they are called on the thread that runs the
 * call.
 */
public interface ShardCallObserver {

	/**
	 * An observer that observes nothing.
	 */
	ShardCallObserver NONE = new ShardCallObserver() {
	};

	/**
	 * Run one call on one shard. Called on the thread that runs the call, just before the
	 * shard is selected; the implementation must invoke {@code call} exactly once and
	 * return its result or rethrow its exception.
	 * @param <T> the result type
	 * @param kind why the call runs on this shard
	 * @param operation what is called, for example {@code WeatherLocationRepository.findAll}
	 * @param shard the shard
	 * @param call the call, which selects the shard
	 * @return the call's result
	 * @throws Throwable whatever the call throws
	 */
	default <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard, ShardContext.Action<T> call)
			throws Throwable {
		return call.run();
	}

	/**
	 * Run a call spread over several shards; each shard's part is observed through
	 * {@link #observeShardCall}.
	 * @param <T> the result type
	 * @param kind the kind of the shard calls
	 * @param operation what is called
	 * @param shards the target shards
	 * @param fanOut runs the call on every target shard
	 * @return the result of {@code fanOut}
	 */
	default <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards, Supplier<T> fanOut) {
		return fanOut.get();
	}

	/**
	 * Called when a fan-out returned the results of the healthy shards only, because
	 * some shards failed and the failure policy allows partial results.
	 * @param operation what was called
	 * @param failedShards the ids of the shards whose results are missing
	 */
	default void onPartialResult(String operation, List<String> failedShards) {
	}

}
