package io.shardwise.placement;

import java.sql.Connection;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRoutingException;
import org.hibernate.event.spi.AbstractPreDatabaseOperationEvent;
import org.hibernate.event.spi.PreDeleteEvent;
import org.hibernate.event.spi.PreDeleteEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;

/**
 * Hibernate's hook for the {@link BucketFence}: every insert, update and delete of an
 * entity placed by the placement's strategy (a root entity or any entity whose
 * {@code @ShardKey} leads to one) is checked, and captured while its bucket moves, on the
 * session's own connection just before its statement runs. The shard checked is the one
 * the flushing session belongs to ({@link ShardContext#shardOfSession}); a write whose
 * session's shard cannot be told is refused rather than left unchecked. This is the one
 * place where Shardwise's JPA write path meets the placement.
 */
public class PlacementWriteListener
		implements PreInsertEventListener, PreUpdateEventListener, PreDeleteEventListener {

	private static final long serialVersionUID = 1L;

	private final transient BucketFence fence;

	/**
	 * Create the listener.
	 * @param fence the fence to check writes with
	 */
	public PlacementWriteListener(BucketFence fence) {
		this.fence = fence;
	}

	@Override
	public boolean onPreInsert(PreInsertEvent event) {
		check(event);
		return false;
	}

	@Override
	public boolean onPreUpdate(PreUpdateEvent event) {
		check(event);
		return false;
	}

	@Override
	public boolean onPreDelete(PreDeleteEvent event) {
		check(event);
		return false;
	}

	private void check(AbstractPreDatabaseOperationEvent event) {
		int bucket = this.fence.placement().router().bucketOfWritten(event.getEntity());
		if (bucket < 0) {
			return;
		}
		// The shard of the session that flushes, not the one selected on the thread: a unit
		// of work flushes every shard's session at commit, after its routed calls returned.
		Shard shard = ShardContext.shardOfSession(event.getSession());
		if (shard == null) {
			throw new ShardRoutingException("Cannot tell which shard the Hibernate session writing "
					+ event.getPersister().getEntityName() + "#" + event.getId() + " (table "
					+ event.getPersister().getTableName() + ", bucket " + bucket + " of placed strategy '"
					+ this.fence.placement().strategyName() + "') belongs to, so its write cannot be checked "
					+ "against the bucket's owner; write placed entities through a routed call (a repository, "
					+ "ShardTemplate) inside a Spring-managed transaction. Nothing was written");
		}
		Connection connection = event.getSession().getJdbcCoordinator().getLogicalConnection().getPhysicalConnection();
		this.fence.beforeWrite(connection, shard, bucket, event.getPersister().getTableName(), event.getId());
	}

}
