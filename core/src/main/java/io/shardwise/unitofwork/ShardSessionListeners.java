package io.shardwise.unitofwork;

import io.shardwise.routing.EntityShards;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.AbstractCollectionEvent;
import org.hibernate.event.spi.EventType;
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

/**
 * Hibernate's side of the unit of work, registered as an {@link Integrator}:
 * <ul>
 * <li>before a flush inserts, updates or deletes a row (or a collection's rows), it tells
 * the transaction's {@link ShardUnitOfWork} which shard is written, so that a second write
 * shard is refused before its first statement;
 * <li>after an entity loads, it remembers the shard it came from
 * ({@link EntityShards}), for entities whose shard cannot be read from their own state
 * without loading a lazy association.
 * </ul>
 */
public final class ShardSessionListeners implements Integrator, PreInsertEventListener, PreUpdateEventListener,
		PreDeleteEventListener, PreCollectionRecreateEventListener, PreCollectionUpdateEventListener,
		PreCollectionRemoveEventListener, PostLoadEventListener {

	private static final long serialVersionUID = 1L;

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
