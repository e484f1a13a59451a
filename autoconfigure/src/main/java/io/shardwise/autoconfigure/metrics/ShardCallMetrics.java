package io.shardwise.autoconfigure.metrics;

import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardwise.autoconfigure.observation.ObservationShardCallObserver;
import io.shardwise.fanout.CallErrors;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;

/**
 * Records Shardwise's call metrics:
 * <ul>
 * <li>{@value #CALLS} (timer): every call on one shard, tagged {@code shard},
 * {@code kind} ({@code routed}, {@code fan-out}, {@code id-lookup}) and {@code outcome}
 * ({@code success}; {@code error}, a failure of the shard; {@code call-error}, an error
 * of the call itself that the shard merely reported, see {@link CallErrors});</li>
 * <li>{@value #FAN_OUT_WIDTH} (distribution summary): the number of shards of each
 * fan-out, tagged {@code kind}; its count is the number of fan-outs;</li>
 * <li>{@value #PARTIAL_RESULTS} (counter): fan-outs that returned a partial result;</li>
 * <li>{@value #FAILED_SHARDS} (counter): shards missing from partial results, tagged
 * {@code shard}.</li>
 * </ul>
 */
public class ShardCallMetrics implements ShardCallObserver {

	/**
	 * Timer of the calls on one shard.
	 */
	public static final String CALLS = "shardwise.calls";

	/**
	 * Distribution of the number of shards per fan-out.
	 */
	public static final String FAN_OUT_WIDTH = "shardwise.fan-out.width";

	/**
	 * Counter of the fan-outs that returned a partial result.
	 */
	public static final String PARTIAL_RESULTS = "shardwise.fan-out.partial-results";

	/**
	 * Counter of the shards missing from partial results, by shard.
	 */
	public static final String FAILED_SHARDS = "shardwise.fan-out.failed-shards";

	private final MeterRegistry registry;

	/**
	 * Create the metrics.
	 * @param registry the registry to record into
	 */
	public ShardCallMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard, ShardContext.Action<T> call)
			throws Throwable {
		Timer.Sample sample = Timer.start(this.registry);
		String outcome = "error";
		try {
			T result = call.run();
			outcome = "success";
			return result;
		}
		catch (Throwable ex) {
			if (CallErrors.isCallError(ex)) {
				// The caller's mistake, the same on any shard: not a failure of this shard.
				outcome = "call-error";
			}
			throw ex;
		}
		finally {
			sample.stop(Timer.builder(CALLS)
				.description("Calls on one shard: routed calls and each shard's part of a fan-out")
				.tag("shard", shard.id())
				.tag("kind", ObservationShardCallObserver.tagValue(kind))
				.tag("outcome", outcome)
				.register(this.registry));
		}
	}

	@Override
	public <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards, Supplier<T> fanOut) {
		DistributionSummary.builder(FAN_OUT_WIDTH)
			.description("Number of shards a fan-out runs on")
			.baseUnit("shards")
			.tag("kind", ObservationShardCallObserver.tagValue(kind))
			.register(this.registry)
			.record(shards.size());
		return fanOut.get();
	}

	@Override
	public void onPartialResult(String operation, List<String> failedShards) {
		Counter.builder(PARTIAL_RESULTS)
			.description("Fan-outs that returned the results of the healthy shards only")
			.register(this.registry)
			.increment();
		for (String shard : failedShards) {
			Counter.builder(FAILED_SHARDS)
				.description("Shards missing from partial fan-out results")
				.tag("shard", shard)
				.register(this.registry)
				.increment();
		}
	}

	@Override
	public String toString() {
		return "Metrics[" + CALLS + "]";
	}

}
