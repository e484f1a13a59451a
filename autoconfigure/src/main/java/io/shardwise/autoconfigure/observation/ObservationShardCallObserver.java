package io.shardwise.autoconfigure.observation;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;

/**
 * Wraps every fan-out and every shard call in a Micrometer {@link Observation}, so that a
 * trace shows the scatter and how long each shard took.
 *
 * <ul>
 * <li>{@value #FAN_OUT}: one per fan-out; low-cardinality keys {@code kind},
 * {@code operation}, {@code outcome} ({@code success}, {@code partial},
 * {@code error}); high-cardinality keys {@code shards}, {@code width}.</li>
 * <li>{@value #CALL}: one per call on one shard (a routed call, or a fan-out's sub-call,
 * whose parent is the fan-out even though it runs on a worker thread); low-cardinality
 * keys {@code shard}, {@code kind}, {@code operation}, {@code outcome}
 * ({@code success}, {@code error}).</li>
 * </ul>
 */
public class ObservationShardCallObserver implements ShardCallObserver {

	/**
	 * Name of the observation around a fan-out.
	 */
	public static final String FAN_OUT = "shardwise.fan-out";

	/**
	 * Name of the observation around a call on one shard.
	 */
	public static final String CALL = "shardwise.call";

	private final ObservationRegistry registry;

	/**
	 * Create an observer.
	 * @param registry the registry
	 */
	public ObservationShardCallObserver(ObservationRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Return the lower-case tag value of a call kind: {@code routed}, {@code fan-out} or
	 * {@code id-lookup}.
	 * @param kind a call kind
	 * @return its tag value
	 */
	public static String tagValue(ShardCallKind kind) {
		return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard, ShardContext.Action<T> call)
			throws Throwable {
		Observation observation = Observation.createNotStarted(CALL, this.registry)
			.contextualName(operation + " on " + shard.id())
			.lowCardinalityKeyValue("shard", shard.id())
			.lowCardinalityKeyValue("kind", tagValue(kind))
			.lowCardinalityKeyValue("operation", operation)
			.start();
		String outcome = "error";
		try (Observation.Scope scope = observation.openScope()) {
			T result = call.run();
			outcome = "success";
			return result;
		}
		catch (Throwable ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue("outcome", outcome);
			observation.stop();
		}
	}

	@Override
	public <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards, Supplier<T> fanOut) {
		Observation observation = Observation.createNotStarted(FAN_OUT, this.registry)
			.contextualName(operation + " on " + shards.size() + " shards")
			.lowCardinalityKeyValue("kind", tagValue(kind))
			.lowCardinalityKeyValue("operation", operation)
			.highCardinalityKeyValue("shards", shards.stream().map(Shard::id).collect(Collectors.joining(",")))
			.highCardinalityKeyValue("width", Integer.toString(shards.size()))
			.start();
		String outcome = "error";
		try (Observation.Scope scope = observation.openScope()) {
			T result = fanOut.get();
			outcome = "success";
			return result;
		}
		catch (RuntimeException | Error ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			if (observation.getContextView().getLowCardinalityKeyValue("outcome") == null) {
				observation.lowCardinalityKeyValue("outcome", outcome);
			}
			observation.stop();
		}
	}

	@Override
	public <T> Callable<T> onWorker(Callable<T> task) {
		Observation parent = this.registry.getCurrentObservation();
		if (parent == null || parent.isNoop()) {
			return task;
		}
		return () -> {
			try (Observation.Scope scope = parent.openScope()) {
				return task.call();
			}
		};
	}

	@Override
	public void onPartialResult(String operation, List<String> failedShards) {
		Observation current = this.registry.getCurrentObservation();
		if (current != null && !current.isNoop() && FAN_OUT.equals(current.getContextView().getName())) {
			current.lowCardinalityKeyValue("outcome", "partial");
			current.highCardinalityKeyValue("missing.shards", String.join(",", failedShards));
			current.event(Observation.Event.of("shardwise.partial-result", "missing shards " + failedShards));
		}
	}

	@Override
	public String toString() {
		return "Observation[" + FAN_OUT + ", " + CALL + "]";
	}

}
