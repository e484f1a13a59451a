package io.shardwise.routing;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.shardwise.annotation.ShardKey;
import io.shardwise.id.ShardIds;
import io.shardwise.strategy.HashShardStrategy;
import io.shardwise.strategy.ShardStrategy;
import org.springframework.beans.BeanUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Resolves shard keys, entities and ids to shards: the SQLAlchemy example's
 * {@code shard_chooser} and {@code id_chooser} in one place.
 */
public class ShardRouter {

	private final Shards shards;

	private final Map<String, ShardStrategy> strategies;

	private final String defaultStrategy;

	private final String placedStrategy;

	private final HashShardStrategy placed;

	private final Map<Class<?>, EntityKey> entityKeys = new ConcurrentHashMap<>();

	/**
	 * Create a router.
	 * @param shards the shards
	 * @param strategies the strategies by name
	 * @param defaultStrategy the name of the strategy used when {@code @ShardKey} names
	 * none, or {@code null} if there is no default
	 */
	public ShardRouter(Shards shards, Map<String, ShardStrategy> strategies, String defaultStrategy) {
		this(shards, strategies, defaultStrategy, null);
	}

	/**
	 * Create a router whose ids of the bucket layout name buckets of one {@code hash}
	 * strategy, the one a durable placement manages.
	 * @param shards the shards
	 * @param strategies the strategies by name
	 * @param defaultStrategy the name of the strategy used when {@code @ShardKey} names
	 * none, or {@code null} if there is no default
	 * @param placedStrategy the name of the {@link HashShardStrategy} whose buckets ids
	 * name, or {@code null} if ids name shards only
	 */
	public ShardRouter(Shards shards, Map<String, ShardStrategy> strategies, String defaultStrategy,
			String placedStrategy) {
		this.shards = shards;
		this.strategies = Map.copyOf(strategies);
		this.defaultStrategy = defaultStrategy;
		this.placedStrategy = placedStrategy;
		this.placed = (placedStrategy != null) ? (HashShardStrategy) strategies.get(placedStrategy) : null;
	}

	public Shards shards() {
		return this.shards;
	}

	/**
	 * Return the strategies by name, for diagnostics.
	 * @return the strategies, unmodifiable
	 */
	public Map<String, ShardStrategy> strategies() {
		return this.strategies;
	}

	/**
	 * Return the name of the default strategy, or {@code null} if there is none.
	 * @return the default strategy name or {@code null}
	 */
	public String defaultStrategy() {
		return this.defaultStrategy;
	}

	/**
	 * Return the name of the strategy that a {@code @ShardKey(strategy = name)} uses.
	 * @param name a strategy name, or empty for the default
	 * @return the resolved name
	 * @throws ShardRoutingException if no such strategy is configured
	 */
	public String resolveStrategy(String name) {
		String resolved = (name == null || name.isEmpty()) ? this.defaultStrategy : name;
		if (resolved == null) {
			throw new ShardRoutingException("@ShardKey names no strategy and shardwise.default-strategy is not set; "
					+ "configured strategies are " + this.strategies.keySet());
		}
		if (!this.strategies.containsKey(resolved)) {
			throw new ShardRoutingException(
					"Unknown shard strategy '" + resolved + "'; configured strategies are " + this.strategies.keySet());
		}
		return resolved;
	}

	/**
	 * Return the shard of a key.
	 * @param strategy the strategy name, or empty for the default
	 * @param key the key
	 * @return the shard
	 * @throws ShardRoutingException if the key is {@code null} or maps to no configured
	 * shard
	 */
	public Shard shardFor(String strategy, Object key) {
		String name = resolveStrategy(strategy);
		if (key == null) {
			throw new ShardRoutingException("Shard key is null (strategy '" + name + "')");
		}
		String id = this.strategies.get(name).shardFor(key);
		if (id == null || !this.shards.contains(id)) {
			throw new ShardRoutingException("Shard strategy '" + name + "' mapped key [" + key + "] to unknown shard '"
					+ id + "'; configured shards are " + this.shards.ids());
		}
		return this.shards.get(id);
	}

	/**
	 * Group the values of a multi-valued key (a {@code Collection} or an array) by
	 * shard.
	 * @param strategy the strategy name, or empty for the default
	 * @param keys the key values
	 * @return each shard's values, in the order the shards first occur
	 * @throws ShardRoutingException if a value is {@code null} or maps to no shard
	 */
	public Map<Shard, List<Object>> groupByShard(String strategy, Object keys) {
		Map<Shard, List<Object>> byShard = new LinkedHashMap<>();
		if (keys instanceof Collection<?> collection) {
			for (Object key : collection) {
				byShard.computeIfAbsent(shardFor(strategy, key), (shard) -> new ArrayList<>()).add(key);
			}
		}
		else {
			for (int i = 0; i < Array.getLength(keys); i++) {
				Object key = Array.get(keys, i);
				byShard.computeIfAbsent(shardFor(strategy, key), (shard) -> new ArrayList<>()).add(key);
			}
		}
		return byShard;
	}

	/**
	 * Return the shards that hold some keys, in the order of the shards.
	 * @param strategy the strategy name, or empty for the default
	 * @param keys the keys
	 * @return the distinct shards of the keys
	 */
	public List<Shard> shardsOf(String strategy, Collection<?> keys) {
		Set<Shard> shards = groupByShard(strategy, keys).keySet();
		return this.shards.all().stream().filter(shards::contains).toList();
	}

	/**
	 * Return whether a key argument holds several keys (a {@code Collection} or an array).
	 * @param key a key argument
	 * @return whether it is multi-valued
	 */
	public static boolean isMultiValued(Object key) {
		return key instanceof Collection<?> || (key != null && key.getClass().isArray());
	}

	/**
	 * Return the shard an entity belongs to, following a {@code @ShardKey} association to
	 * its parent, or {@code null} if its class has no {@code @ShardKey} field.
	 * @param entity the entity
	 * @return the shard or {@code null}
	 * @throws ShardRoutingException if the key is {@code null} or unknown
	 */
	public Shard shardOf(Object entity) {
		EntityKey key = entityKey(entity.getClass());
		if (key == null) {
			return null;
		}
		Object value = key.read(entity);
		if (value == null) {
			throw new ShardRoutingException("@ShardKey " + key.describe() + " is null");
		}
		if (entityKey(value.getClass()) != null) {
			return shardOf(value);
		}
		return shardFor(key.strategy(), value);
	}

	/**
	 * Return whether instances of a class carry a {@code @ShardKey} field.
	 * @param type an entity class
	 * @return whether it has a shard key
	 */
	public boolean hasShardKey(Class<?> type) {
		return entityKey(type) != null;
	}

	/**
	 * Check at startup that an entity's {@code @ShardKey} names a configured strategy.
	 * @param type an entity class
	 * @throws ShardRoutingException if it does not
	 */
	public void validate(Class<?> type) {
		EntityKey key = entityKey(type);
		if (key != null && !hasShardKey(key.field().getType())) {
			try {
				resolveStrategy(key.strategy());
			}
			catch (ShardRoutingException ex) {
				throw new ShardRoutingException("@ShardKey " + key.describe() + ": " + ex.getMessage(), ex);
			}
		}
	}

	/**
	 * Return the shard named by a Shardwise-generated id, or {@code null} if the value is
	 * not such an id.
	 * @param id a candidate id
	 * @return the shard or {@code null}
	 */
	public Shard shardOfId(Object id) {
		if (id instanceof Long || id instanceof Integer) {
			long value = ((Number) id).longValue();
			int bucket = ShardIds.bucketOf(value);
			if (bucket >= 0) {
				// Bucket layout: the bucket's current owner, wherever the bucket has moved.
				return (this.placed != null && bucket < this.placed.getBucketCount())
						? this.shards.get(this.placed.shardOfBucket(bucket)) : null;
			}
			return this.shards.at(ShardIds.shardIndexOf(value));
		}
		return null;
	}

	/**
	 * Return the bucket of an entity in the strategy a durable placement manages,
	 * following {@code @ShardKey} associations to the root entity, or -1 if the entity is
	 * placed by another strategy (or none).
	 * @param entity the entity
	 * @return the bucket, or -1
	 * @throws ShardRoutingException if the key is {@code null}
	 */
	public int bucketOf(Object entity) {
		if (this.placed == null) {
			return -1;
		}
		EntityKey key = entityKey(entity.getClass());
		if (key == null) {
			return -1;
		}
		Object value = key.read(entity);
		if (value == null) {
			throw new ShardRoutingException("@ShardKey " + key.describe() + " is null");
		}
		if (entityKey(value.getClass()) != null) {
			return bucketOf(value);
		}
		return this.placedStrategy.equals(resolveStrategy(key.strategy())) ? this.placed.bucketOf(value) : -1;
	}

	private EntityKey entityKey(Class<?> type) {
		EntityKey key = this.entityKeys.get(type);
		if (key == null) {
			key = this.entityKeys.computeIfAbsent(type, EntityKey::find);
		}
		return (key != EntityKey.NONE) ? key : null;
	}

	private record EntityKey(Field field, Method getter, String strategy) {

		static final EntityKey NONE = new EntityKey(null, null, null);

		static EntityKey find(Class<?> type) {
			Field[] found = new Field[1];
			ReflectionUtils.doWithFields(type, (field) -> found[0] = field,
					(field) -> found[0] == null && field.isAnnotationPresent(ShardKey.class));
			Field field = found[0];
			if (field == null) {
				return NONE;
			}
			// Prefer the getter: lazy proxies hold no field values but intercept getters.
			PropertyDescriptor property = BeanUtils.getPropertyDescriptor(field.getDeclaringClass(), field.getName());
			Method getter = (property != null) ? property.getReadMethod() : null;
			if (getter != null) {
				ReflectionUtils.makeAccessible(getter);
			}
			else {
				ReflectionUtils.makeAccessible(field);
			}
			return new EntityKey(field, getter, field.getAnnotation(ShardKey.class).strategy());
		}

		Object read(Object entity) {
			return (this.getter != null) ? ReflectionUtils.invokeMethod(this.getter, entity)
					: ReflectionUtils.getField(this.field, entity);
		}

		String describe() {
			return this.field.getDeclaringClass().getSimpleName() + "." + this.field.getName();
		}

	}

}
