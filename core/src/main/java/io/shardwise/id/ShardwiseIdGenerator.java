package io.shardwise.id;

import java.util.EnumSet;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRoutingException;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;
import org.hibernate.generator.EventTypeSets;

/**
 * Hibernate generator behind {@link ShardwiseId}: draws the id from the sequence of the
 * shard the entity is being written to, naming that shard, or the entity's bucket when a
 * durable placement manages its strategy ({@link ShardIds#nextFor(int, Object)}).
 */
public class ShardwiseIdGenerator implements BeforeExecutionGenerator {

	private static final long serialVersionUID = 1L;

	@Override
	public Object generate(SharedSessionContractImplementor session, Object owner, Object currentValue,
			EventType eventType) {
		// The session's shard: a cascade flushed at commit may belong to another shard than
		// the one selected then.
		Shard shard = ShardContext.shardOfSession(session);
		if (shard == null) {
			throw new ShardRoutingException("No shard selected while generating the id of " + owner.getClass().getName()
					+ ": save it through a repository (routed by its @ShardKey) or inside ShardTemplate");
		}
		return shard.ids().nextFor(shard.index(), owner);
	}

	@Override
	public EnumSet<EventType> getEventTypes() {
		return EventTypeSets.INSERT_ONLY;
	}

}
