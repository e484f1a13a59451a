package io.shardwise.fanout;

import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.dao.DataAccessException;

/**
 * Thrown when a call spread over several shards failed on one or more of them. Names
 * each failed shard with its cause; the first cause is this exception's cause.
 */
public class ShardFanOutException extends DataAccessException {

	private final Map<String, Throwable> failures;

	public ShardFanOutException(String operation, Map<String, Throwable> failures) {
		super(operation + " failed on " + failures.size() + " shard(s): " + describe(failures),
				failures.values().iterator().next());
		this.failures = Map.copyOf(failures);
	}

	private static String describe(Map<String, Throwable> failures) {
		return failures.entrySet()
			.stream()
			.map((entry) -> "'" + entry.getKey() + "': " + entry.getValue())
			.collect(Collectors.joining("; "));
	}

	/**
	 * Return each failed shard's cause by shard id.
	 * @return the failures
	 */
	public Map<String, Throwable> getFailures() {
		return this.failures;
	}

}
