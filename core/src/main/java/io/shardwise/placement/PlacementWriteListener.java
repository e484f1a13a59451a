package io.shardwise.placement;

import java.sql.Connection;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
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
 * session's own connection just before its statement runs. This is the one place where
 * Shardwise's JPA write path meets the placement.
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
		Shard shard = ShardContext.effectiveShard();
		if (shard == null) {
			return;
		}
		Connection connection = event.getSession().getJdbcCoordinator().getLogicalConnection().getPhysicalConnection();
		this.fence.beforeWrite(connection, shard, bucket, event.getPersister().getTableName(), event.getId());
	}

}
