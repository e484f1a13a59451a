package io.shardwise.placement;

import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;

/**
 * Registers the {@link PlacementWriteListener} with a Hibernate session factory.
 */
public class PlacementIntegrator implements Integrator {

	private final PlacementWriteListener listener;

	/**
	 * Create the integrator.
	 * @param fence the fence that checks writes
	 */
	public PlacementIntegrator(BucketFence fence) {
		this.listener = new PlacementWriteListener(fence);
	}

	@Override
	public void integrate(Metadata metadata, BootstrapContext bootstrapContext,
			SessionFactoryImplementor sessionFactory) {
		EventListenerRegistry registry = sessionFactory.getEventListenerRegistry();
		registry.appendListeners(EventType.PRE_INSERT, this.listener);
		registry.appendListeners(EventType.PRE_UPDATE, this.listener);
		registry.appendListeners(EventType.PRE_DELETE, this.listener);
	}

}
