package io.shardwise.autoconfigure.observation;

import io.shardwise.observation.ShardCallObserver;

import org.springframework.core.Ordered;

/**
 * A bean that adds an observer to the {@link CompositeShardCallObserver} Shardwise
 * installs. Shardwise's core picks up exactly one {@link ShardCallObserver} bean, so
 * logging, tracing and metrics each contribute a part instead; parts with a lower order
 * run outermost.
 *
 * @param order the position of the part; lower runs outermost
 * @param observer the observer
 */
public record ShardCallObserverPart(int order, ShardCallObserver observer) implements Ordered {

	/**
	 * Order of the logging MDC part: outermost, so that everything below logs the shard.
	 */
	public static final int MDC_ORDER = 0;

	/**
	 * Order of the Micrometer Observation (tracing) part.
	 */
	public static final int OBSERVATION_ORDER = 100;

	/**
	 * Order of the metrics part: innermost, so that it times the call itself.
	 */
	public static final int METRICS_ORDER = 200;

	@Override
	public int getOrder() {
		return this.order;
	}

}
