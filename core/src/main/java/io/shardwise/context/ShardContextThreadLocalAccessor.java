package io.shardwise.context;

import io.micrometer.context.ThreadLocalAccessor;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.unitofwork.ShardUnitOfWork;

/**
 * The shard selection as a Micrometer context-propagation {@link ThreadLocalAccessor}, so
 * that everything that captures the application's contexts carries it too: Spring's
 * {@code ContextPropagatingTaskDecorator} (Spring Boot's
 * {@code spring.task.execution.propagate-context=true}), Micrometer's
 * {@code ContextExecutorService} and {@code ContextSnapshot#wrap}, Reactor's automatic
 * context propagation. Registered through {@code META-INF/services}, so it needs no
 * configuration; it propagates exactly what {@link ShardContextTaskDecorator} does.
 *
 * <p>Setting the value inside a transaction of that thread joins the shard to the
 * transaction's unit of work ({@link ShardUnitOfWork#join}), as a routed call does: its
 * statements then run on that shard's own connection, and a second write shard is
 * refused at commit instead of silently written to the transaction's first shard.
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
		ShardUnitOfWork.join(value);
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
