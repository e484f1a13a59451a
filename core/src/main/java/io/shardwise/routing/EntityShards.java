package io.shardwise.routing;

import java.lang.annotation.Annotation;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.concurrent.ConcurrentHashMap;

import io.shardwise.annotation.ShardKey;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Remembers which shard an entity instance was loaded from or saved to, for the entity
 * classes whose shard cannot be read from the instance itself without loading a lazy
 * association: classes without a {@code @ShardKey}, and classes whose {@code @ShardKey}
 * is (or leads through) a {@code LAZY} to-one association. Such an instance may still be
 * routed after its persistence context closed (a detached child changed and saved), and
 * the same id may exist on several shards (per-database identity ids), so neither its key
 * nor its id can answer. Classes without a {@code @ShardwiseId} id are remembered too,
 * whatever their key: a detached instance whose key was changed since it was loaded can
 * then be told from one that belongs where its key maps
 * ({@link ShardRouter#shardOfRow}).
 *
 * <p>Instances are held weakly and compared by identity: the registry never keeps an
 * entity alive and never confuses two rows that are {@code equals}.
 */
public final class EntityShards {

	private static final ConcurrentHashMap<Key, Shard> SHARDS = new ConcurrentHashMap<>();

	private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();

	private static final ClassValue<Boolean> REMEMBERS = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			return !routableByOwnState(type, 0)
					|| EntityProxies.findField(type, "io.shardwise.id.ShardwiseId") == null;
		}

	};

	private EntityShards() {
	}

	/**
	 * Return whether instances of a class are remembered.
	 * @param type an entity class
	 * @return whether its instances' shards are remembered
	 */
	public static boolean remembers(Class<?> type) {
		return REMEMBERS.get(type);
	}

	/**
	 * Remember the shard of an instance, if its class is one whose instances are
	 * remembered.
	 * @param entity the instance
	 * @param shard the shard it was loaded from or written to
	 */
	public static void remember(Object entity, Shard shard) {
		if (entity == null || shard == null || !remembers(entity.getClass())) {
			return;
		}
		expunge();
		SHARDS.put(new Key(entity, COLLECTED), shard);
	}

	/**
	 * Return the shard an instance was last loaded from or written to, or {@code null}.
	 * @param entity the instance
	 * @return the shard or {@code null}
	 */
	public static Shard shardOf(Object entity) {
		return (entity != null) ? SHARDS.get(new Key(entity, null)) : null;
	}

	private static void expunge() {
		for (Object key = COLLECTED.poll(); key != null; key = COLLECTED.poll()) {
			SHARDS.remove(key);
		}
	}

	private static boolean routableByOwnState(Class<?> type, int depth) {
		Field key = shardKeyField(type);
		if (key == null || depth > 8) {
			return false;
		}
		Annotation toOne = toOne(key);
		if (toOne == null) {
			return true;
		}
		Object fetch = AnnotationUtils.getValue(toOne, "fetch");
		return (fetch == null || !"LAZY".equals(fetch.toString())) && routableByOwnState(key.getType(), depth + 1);
	}

	private static Field shardKeyField(Class<?> type) {
		Field[] found = new Field[1];
		ReflectionUtils.doWithFields(type, (field) -> found[0] = field,
				(field) -> found[0] == null && field.isAnnotationPresent(ShardKey.class));
		return found[0];
	}

	private static Annotation toOne(Field field) {
		for (Annotation annotation : field.getAnnotations()) {
			String name = annotation.annotationType().getName();
			if (name.equals("jakarta.persistence.ManyToOne") || name.equals("jakarta.persistence.OneToOne")) {
				return annotation;
			}
		}
		return null;
	}

	/**
	 * A weak reference compared by the identity of its referent.
	 */
	private static final class Key extends WeakReference<Object> {

		private final int hash;

		Key(Object referent, ReferenceQueue<Object> queue) {
			super(referent, queue);
			this.hash = System.identityHashCode(referent);
		}

		@Override
		public boolean equals(Object other) {
			if (this == other) {
				return true;
			}
			return other instanceof Key key && key.hash == this.hash && key.get() != null && key.get() == get();
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

}
