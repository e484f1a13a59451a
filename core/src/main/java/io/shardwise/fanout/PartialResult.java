package io.shardwise.fanout;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The result of a call together with the shards whose results it lacks, under the
 * {@link FailurePolicy#PARTIAL partial} failure policy.
 *
 * <pre class="code">
 * PartialResult&lt;List&lt;Location&gt;&gt; all = PartialResult.capture(() -&gt; locations.findAll());
 * if (!all.isComplete()) {
 *     log.info("Answer lacks shards {}", all.missingShards());
 * }
 * </pre>
 *
 * @param <T> the result type
 * @param value the call's result
 * @param missingShards ids of the shards that failed or missed the deadline
 */
public record PartialResult<T>(T value, List<String> missingShards) {

	private static final ThreadLocal<Set<String>> MISSING = new ThreadLocal<>();

	/**
	 * Run a call and report the shards missing from its answer. Captures every fan-out
	 * the call starts on this thread.
	 * @param <T> the result type
	 * @param call the call
	 * @return its result and the missing shards
	 */
	public static <T> PartialResult<T> capture(Supplier<T> call) {
		Set<String> outer = MISSING.get();
		Set<String> missing = new LinkedHashSet<>();
		MISSING.set(missing);
		try {
			T value = call.get();
			return new PartialResult<>(value, List.copyOf(missing));
		}
		finally {
			if (outer != null) {
				outer.addAll(missing);
				MISSING.set(outer);
			}
			else {
				MISSING.remove();
			}
		}
	}

	/**
	 * Return whether every shard contributed.
	 * @return whether no shard is missing
	 */
	public boolean isComplete() {
		return this.missingShards.isEmpty();
	}

	static void recordMissing(List<String> shards) {
		Set<String> missing = MISSING.get();
		if (missing != null) {
			missing.addAll(new ArrayList<>(shards));
		}
	}

}
