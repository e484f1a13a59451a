package io.shardwise.unitofwork;

import java.util.concurrent.ConcurrentHashMap;

import io.shardwise.routing.EntityShards;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.AbstractCollectionEvent;
import org.hibernate.event.spi.EventType;
import org.hibernate.event.spi.FlushEntityEvent;
import org.hibernate.event.spi.FlushEntityEventListener;
import org.hibernate.event.spi.PostLoadEvent;
import org.hibernate.event.spi.PostLoadEventListener;
import org.hibernate.event.spi.PreCollectionRecreateEvent;
import org.hibernate.event.spi.PreCollectionRecreateEventListener;
import org.hibernate.event.spi.PreCollectionRemoveEvent;
import org.hibernate.event.spi.PreCollectionRemoveEventListener;
import org.hibernate.event.spi.PreCollectionUpdateEvent;
import org.hibernate.event.spi.PreCollectionUpdateEventListener;
import org.hibernate.event.spi.PreDeleteEvent;
import org.hibernate.event.spi.PreDeleteEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Hibernate's side of the unit of work, registered as an {@link Integrator}:
 * <ul>
 * <li>before a flush inserts, updates or deletes a row (or a collection's rows), it tells
 * the transaction's {@link ShardUnitOfWork} which shard is written, so that a second write
 * shard is refused before its first statement;
 * <li>when a flush finds an entity whose {@code @ShardKey} property is dirty (changed
 * by dirty checking, with or without {@code save}), it refuses the flush before any of
 * its statements runs if the new key maps to another shard than the one the entity's
 * session belongs to, which is the shard its row is on: Shardwise does not move rows, and
 * the row would stay where no keyed call finds it (for an entity whose Shardwise id names
 * a bucket of the durable placement, also if the new key maps to another bucket);
 * <li>after an entity loads, it remembers the shard it came from
 * ({@link EntityShards}), for entities whose shard cannot be read from their own state
 * without loading a lazy association.
 * </ul>
 */
public final class ShardSessionListeners implements Integrator, PreInsertEventListener, PreUpdateEventListener,
		PreDeleteEventListener, PreCollectionRecreateEventListener, PreCollectionUpdateEventListener,
		PreCollectionRemoveEventListener, PostLoadEventListener, FlushEntityEventListener {

	private static final long serialVersionUID = 1L;

	/** The position of no {@code @ShardKey} property in an entity's state. */
	private static final Integer NO_KEY = -1;

	private final transient ShardRouter router;

	/** Each entity persister's position of its {@code @ShardKey} property in the state. */
	private final transient ConcurrentHashMap<EntityPersister, Integer> keyPositions = new ConcurrentHashMap<>();

	/**
	 * Create the listeners.
	 * @param router tells the shard a changed {@code @ShardKey} maps to
	 */
	public ShardSessionListeners(ShardRouter router) {
		this.router = router;
	}

	@Override
	public void integrate(Metadata metadata, BootstrapContext bootstrapContext,
			SessionFactoryImplementor sessionFactory) {
		EventListenerRegistry registry = sessionFactory.getEventListenerRegistry();
		registry.prependListeners(EventType.PRE_INSERT, this);
		registry.prependListeners(EventType.PRE_UPDATE, this);
		registry.prependListeners(EventType.PRE_DELETE, this);
		registry.prependListeners(EventType.PRE_COLLECTION_RECREATE, this);
		registry.prependListeners(EventType.PRE_COLLECTION_UPDATE, this);
		registry.prependListeners(EventType.PRE_COLLECTION_REMOVE, this);
		registry.prependListeners(EventType.POST_LOAD, this);
		// After Hibernate's own listener, which finds the dirty properties and schedules the
		// update: before the flush executes any statement.
		registry.appendListeners(EventType.FLUSH_ENTITY, this);
	}

	@Override
	public void onFlushEntity(FlushEntityEvent event) {
		// The hot path: most flushed entities are clean, and a dirty one rarely changed its key.
		int[] dirty = event.getDirtyProperties();
		if (dirty == null || event.getEntityEntry() == null) {
			return;
		}
		EntityPersister persister = event.getEntityEntry().getPersister();
		int key = keyPosition(persister);
		if (key < 0) {
			return;
		}
		for (int property : dirty) {
			if (property == key) {
				checkChangedKey(event, persister, key);
				return;
			}
		}
	}

	private int keyPosition(EntityPersister persister) {
		Integer position = this.keyPositions.get(persister);
		if (position == null) {
			position = NO_KEY;
			Class<?> type = persister.getMappedClass(); // null for dynamic-map entities
			String name = (type != null) ? this.router.shardKeyProperty(type) : null;
			String[] properties = persister.getPropertyNames();
			for (int i = 0; name != null && i < properties.length; i++) {
				if (properties[i].equals(name)) {
					position = i;
				}
			}
			this.keyPositions.put(persister, position);
		}
		return position;
	}

	/**
	 * Refuse the flush if an entity's changed {@code @ShardKey} maps to another shard than
	 * the one its session (and so its row) belongs to.
	 */
	private void checkChangedKey(FlushEntityEvent event, EntityPersister persister, int key) {
		Shard session = ShardContext.shardOfSession(event.getSession());
		if (session == null) {
			return; // no shard to compare with: the routing DataSource refuses the statement
		}
		Class<?> type = persister.getMappedClass();
		Shard target = this.router.shardOfKey(type, event.getPropertyValues()[key]);
		String entity = persister.getEntityName() + "#" + event.getEntityEntry().getId();
		if (session.equals(target)) {
			checkBucket(event, type, session, entity);
			return;
		}
		String message = (target != null)
				? "Flushing " + entity + ": its @ShardKey " + this.router.describeShardKey(type)
						+ " was changed and now maps to shard '" + target.id() + "', but it was loaded from shard '"
						+ session.id() + "', where its row is; Shardwise does not move rows: delete it and save a "
						+ "copy in separate transactions. The flush was refused before any of its statements ran, and "
						+ "the transaction rolls back"
				: "Flushing " + entity + ": its @ShardKey " + this.router.describeShardKey(type) + " was changed to "
						+ "a lazy reference whose shard Shardwise cannot tell without loading it, so it cannot check "
						+ "that it still maps to shard '" + session.id() + "', where the row is: load the new "
						+ "reference in this transaction or give its entity a Shardwise id. The flush was refused "
						+ "before any of its statements ran, and the transaction rolls back";
		refuse(message);
	}

	/**
	 * Refuse the flush if an entity whose Shardwise id names a bucket of the durable
	 * placement changed its key to another bucket, even one of the same shard: the bucket
	 * the row moves with is its key's, while lookups by id go to the owner of the id's.
	 */
	private void checkBucket(FlushEntityEvent event, Class<?> type, Shard session, String entity) {
		int idBucket = this.router.placedBucketOfId(event.getEntityEntry().getId());
		if (idBucket < 0) {
			return;
		}
		int keyBucket = this.router.bucketOf(event.getEntity());
		if (keyBucket < 0 || keyBucket == idBucket) {
			return;
		}
		refuse("Flushing " + entity + ": its @ShardKey " + this.router.describeShardKey(type)
				+ " was changed and now maps to bucket " + keyBucket + ", but its Shardwise id names bucket "
				+ idBucket + " (both of shard '" + session.id() + "' now): once either bucket moves, its row "
				+ "would not be where lookups by its id or by its key look. Shardwise does not move rows: delete it "
				+ "and save a copy in separate transactions. The flush was refused before any of its statements "
				+ "ran, and the transaction rolls back");
	}

	private static void refuse(String message) {
		ShardUnitOfWork unitOfWork = ShardUnitOfWork.current();
		if (unitOfWork != null) {
			unitOfWork.markRollbackOnly(message);
		}
		throw new ShardRoutingException(message);
	}

	@Override
	public boolean onPreInsert(PreInsertEvent event) {
		beforeWrite(event.getSession(), "Inserting " + event.getPersister().getEntityName());
		return false;
	}

	@Override
	public boolean onPreUpdate(PreUpdateEvent event) {
		beforeWrite(event.getSession(), "Updating " + event.getPersister().getEntityName() + "#" + event.getId());
		return false;
	}

	@Override
	public boolean onPreDelete(PreDeleteEvent event) {
		beforeWrite(event.getSession(), "Deleting " + event.getPersister().getEntityName() + "#" + event.getId());
		return false;
	}

	@Override
	public void onPreRecreateCollection(PreCollectionRecreateEvent event) {
		beforeCollectionWrite(event);
	}

	@Override
	public void onPreUpdateCollection(PreCollectionUpdateEvent event) {
		beforeCollectionWrite(event);
	}

	@Override
	public void onPreRemoveCollection(PreCollectionRemoveEvent event) {
		beforeCollectionWrite(event);
	}

	@Override
	public void onPostLoad(PostLoadEvent event) {
		Object entity = event.getEntity();
		if (entity != null && EntityShards.remembers(entity.getClass())) {
			Shard shard = shardOf(event.getSession());
			if (shard != null) {
				EntityShards.remember(entity, shard);
			}
		}
	}

	private static void beforeCollectionWrite(AbstractCollectionEvent event) {
		beforeWrite(event.getSession(), "Writing collection " + event.getCollectionPersister().getRole());
	}

	private static void beforeWrite(SharedSessionContractImplementor session, String operation) {
		ShardUnitOfWork unitOfWork = ShardUnitOfWork.current();
		if (unitOfWork != null) {
			unitOfWork.recordWrite(unitOfWork.shardOfSession(session), operation);
		}
	}

	private static Shard shardOf(SharedSessionContractImplementor session) {
		return ShardContext.shardOfSession(session);
	}

}
