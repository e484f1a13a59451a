package io.shardwise.datajdbc;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.shardwise.id.ShardwiseId;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRoutingException;

import org.springframework.core.Ordered;
import org.springframework.data.mapping.PersistentPropertyAccessor;
import org.springframework.data.relational.core.mapping.RelationalMappingContext;
import org.springframework.data.relational.core.mapping.RelationalPersistentEntity;
import org.springframework.data.relational.core.mapping.RelationalPersistentProperty;
import org.springframework.data.relational.core.mapping.event.BeforeConvertCallback;

/**
 * Gives a new Spring Data JDBC aggregate root whose id property is annotated
 * {@link ShardwiseId} an id from the sequence of the shard it is being saved to, as
 * Shardwise's Hibernate generator does for JPA entities: unique across shards, no
 * database round trip, naming the shard so that {@code findById} goes straight to it.
 *
 * <p>Spring Data JDBC decides whether an aggregate is new before this callback runs, so
 * a root with a {@code null} id is inserted with the id set here. The shard is the one
 * the save was routed to (by the root's {@code @ShardKey}, or the selected shard);
 * without one the save is refused. Immutable roots (records, withers) get a copy with
 * the id. Entities inside the aggregate are not roots and get no id here: Spring Data
 * JDBC identifies them by their root's id.
 */
public class ShardwiseIdCallback implements BeforeConvertCallback<Object>, Ordered {

	/**
	 * Before Spring Data JDBC's own id generation (sequences), which would otherwise see
	 * a root without an id.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final RelationalMappingContext mappingContext;

	/** The {@code @ShardwiseId} property of each aggregate type, empty for types without one. */
	private final Map<Class<?>, Optional<RelationalPersistentProperty>> idProperties = new ConcurrentHashMap<>();

	/**
	 * Create the callback.
	 * @param mappingContext the mapping context of the Spring Data JDBC entities
	 */
	public ShardwiseIdCallback(RelationalMappingContext mappingContext) {
		this.mappingContext = mappingContext;
	}

	@Override
	public Object onBeforeConvert(Object aggregate) {
		RelationalPersistentEntity<?> entity = this.mappingContext.getPersistentEntity(aggregate.getClass());
		if (entity == null) {
			return aggregate;
		}
		RelationalPersistentProperty id = this.idProperties
			.computeIfAbsent(aggregate.getClass(), (type) -> shardwiseId(entity))
			.orElse(null);
		if (id == null) {
			return aggregate;
		}
		PersistentPropertyAccessor<Object> accessor = entity.getPropertyAccessor(aggregate);
		if (accessor.getProperty(id) != null) {
			return aggregate;
		}
		Shard shard = ShardContext.effectiveShard();
		if (shard == null) {
			throw new ShardRoutingException("No shard selected while generating the id of "
					+ aggregate.getClass().getName()
					+ ": save it through a repository (routed by its @ShardKey) or inside ShardTemplate");
		}
		accessor.setProperty(id, shard.nextId());
		return accessor.getBean();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private static Optional<RelationalPersistentProperty> shardwiseId(RelationalPersistentEntity<?> entity) {
		RelationalPersistentProperty id = entity.getIdProperty();
		return (id != null && id.isAnnotationPresent(ShardwiseId.class)) ? Optional.of(id) : Optional.empty();
	}

}
