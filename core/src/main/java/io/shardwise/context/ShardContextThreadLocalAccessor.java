package io.shardwise.context;

import io.micrometer.context.ThreadLocalAccessor;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;

/**
 * The shard selection as a Micrometer context-propagation {@link ThreadLocalAccessor}, so
 * that everything that captures the application's contexts carries it too: Spring's
 * {@code ContextPropagatingTaskDecorator} (Spring Boot's
 * {@code spring.task.execution.propagate-context=true}), Micrometer's
 * {@code ContextExecutorService} and {@code ContextSnapshot#wrap}, Reactor's automatic
 * context propagation. Registered through {@code META-INF/services}, so it needs no
 * configuration; it propagates exactly what {@link ShardContextTaskDecorator} does.
 *
 * <p>Setting the value only selects, as {@link ShardContext#callOn ShardContext.callOn}
 * does; the caller's transaction and its unit of work stay on the caller's thread.
 */
public final class ShardContextThreadLocalAccessor implements ThreadLocalAccessor<Shard> {

	/**
	 * The key of the shard selection in a context snapshot.
	 */
	public static final String KEY = "shardwise.shard";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public Shard getValue() {
		return ShardContext.currentShard();
	}

	@Override
	public void setValue(Shard value) {
		ShardContext.select(value);
	}

	@Override
	public void setValue() {
		ShardContext.restore(null);
	}

	@Override
	public void restore(Shard previousValue) {
		ShardContext.restore(previousValue);
	}

	@Override
	public void restore() {
		ShardContext.restore(null);
	}

}
