package io.shardwise.autoconfigure.observation;

import java.util.Map;
import java.util.concurrent.Callable;

import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import org.slf4j.MDC;

/**
 * Puts the id of the current shard into the SLF4J {@link MDC} during every routed call
 * and every fan-out sub-call, and carries the caller's MDC over to fan-out workers.
 */
public class MdcShardCallObserver implements ShardCallObserver {

	private final String key;

	/**
	 * Create an observer.
	 * @param key the MDC key of the shard id
	 */
	public MdcShardCallObserver(String key) {
		this.key = key;
	}

	@Override
	public <T> T observeShardCall(ShardCallKind kind, String operation, Shard shard, ShardContext.Action<T> call)
			throws Throwable {
		String previous = MDC.get(this.key);
		MDC.put(this.key, shard.id());
		try {
			return call.run();
		}
		finally {
			if (previous != null) {
				MDC.put(this.key, previous);
			}
			else {
				MDC.remove(this.key);
			}
		}
	}

	@Override
	public <T> Callable<T> onWorker(Callable<T> task) {
		Map<String, String> callers = MDC.getCopyOfContextMap();
		if (callers == null || callers.isEmpty()) {
			return task;
		}
		return () -> {
			Map<String, String> workers = MDC.getCopyOfContextMap();
			MDC.setContextMap(callers);
			try {
				return task.call();
			}
			finally {
				if (workers != null) {
					MDC.setContextMap(workers);
				}
				else {
					MDC.clear();
				}
			}
		};
	}

	@Override
	public String toString() {
		return "MDC[" + this.key + "]";
	}

}
