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
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

	/** Splits SQL into the words that can be table names. */
	private static final Pattern WORDS = Pattern.compile("[^a-z0-9_$]+");

	private final Shards shards;

	private final Map<String, ShardStrategy> strategies;

	private final String defaultStrategy;

	private final long idsValidFrom;

	private final String placedStrategy;

	private final HashShardStrategy placed;

	private final Map<Class<?>, EntityKey> entityKeys = new ConcurrentHashMap<>();

	private final Map<Class<?>, IdField> shardwiseIds = new ConcurrentHashMap<>();

	private final Map<Class<?>, Boolean> placedTypes = new ConcurrentHashMap<>();

	private volatile Set<String> placedTables = Set.of();

	private volatile PlacementCheck placementCheck;

	/**
	 * Create a router.
	 * @param shards the shards
	 * @param strategies the strategies by name
	 * @param defaultStrategy the name of the strategy used when {@code @ShardKey} names
	 * none, or {@code null} if there is no default
	 */
	public ShardRouter(Shards shards, Map<String, ShardStrategy> strategies, String defaultStrategy) {
		this(shards, strategies, defaultStrategy, ShardIds.DEFAULT_VALID_FROM, null);
	}

	/**
	 * Create a router whose ids of the bucket layout name buckets of one {@code hash}
	 * strategy, the one a durable placement manages.
	 * @param shards the shards
	 * @param strategies the strategies by name
	 * @param defaultStrategy the name of the strategy used when {@code @ShardKey} names
	 * none, or {@code null} if there is no default
	 * @param idsValidFrom when the application began to generate Shardwise ids: a value
	 * that decodes to an earlier time is a foreign id, looked up on every shard
	 * @param placedStrategy the name of the {@link HashShardStrategy} whose buckets ids
	 * name, or {@code null} if ids name shards only
	 */
	public ShardRouter(Shards shards, Map<String, ShardStrategy> strategies, String defaultStrategy,
			Instant idsValidFrom, String placedStrategy) {
		this.shards = shards;
		this.strategies = Map.copyOf(strategies);
		this.defaultStrategy = defaultStrategy;
		this.idsValidFrom = idsValidFrom.toEpochMilli();
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
	 * Return the shard of a key. An entity (or a proxy of one) given as a key routes by
	 * that entity's own {@code @ShardKey} or Shardwise id, as {@link #shardOf} does;
	 * anything else goes through the strategy.
	 * @param strategy the strategy name, or empty for the default
	 * @param key the key
	 * @return the shard
	 * @throws UnknownShardKeyException if the key is {@code null} or maps to no configured
	 * shard
	 * @throws ShardRoutingException if an entity key has no shard Shardwise can tell
	 */
	public Shard shardFor(String strategy, Object key) {
		if (key != null && EntityProxies.isEntity(key)) {
			Shard shard = shardOf(key);
			if (shard == null) {
				throw new ShardRoutingException("The " + EntityProxies.entityClass(key).getSimpleName()
						+ " given as a @ShardKey has no @ShardKey field, no Shardwise id and no shard Shardwise "
						+ "remembers; pass its key value instead");
			}
			return shard;
		}
		String name = resolveStrategy(strategy);
		if (key == null) {
			throw new UnknownShardKeyException(name, null, "the key is null");
		}
		String id = this.strategies.get(name).shardFor(key);
		if (id == null || !this.shards.contains(id)) {
			throw new UnknownShardKeyException(name, key,
					"it maps to unknown shard '" + id + "'; configured shards are " + this.shards.ids());
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
	 * Return the shard an entity belongs to, or {@code null} if Shardwise cannot tell. It
	 * never initializes a lazy proxy; in order it asks:
	 * <ol>
	 * <li>the entity's {@code @ShardKey}: a value through the strategy, an association
	 * through the referenced entity (a proxy by its identifier, if that is a Shardwise id,
	 * or by the persistence context that holds it);
	 * <li>the transaction's unit of work, for an entity one of its EntityManagers manages;
	 * <li>where the instance was loaded from or saved to ({@link EntityShards});
	 * <li>its Shardwise id.
	 * </ol>
	 * @param entity the entity, or a proxy of one
	 * @return the shard or {@code null}
	 * @throws ShardRoutingException if the key is {@code null} or unknown, or is a lazy
	 * reference whose shard nothing can tell
	 */
	public Shard shardOf(Object entity) {
		Class<?> type = EntityProxies.entityClass(entity);
		EntityKey key = entityKey(type);
		if (key != null && !EntityProxies.isUninitialized(entity)) {
			Object value = key.read(entity);
			if (value == null) {
				throw new UnknownShardKeyException(key.strategy().isEmpty() ? "(default)" : key.strategy(), null,
						"@ShardKey " + key.describe() + " is null");
			}
			if (!EntityProxies.isEntity(value)) {
				return shardFor(key.strategy(), value);
			}
			Shard parent = EntityProxies.isUninitialized(value) ? known(value) : shardOf(value);
			if (parent != null) {
				return parent;
			}
			Shard own = known(entity);
			if (own != null) {
				return own;
			}
			throw new ShardRoutingException("@ShardKey " + key.describe() + " is a lazy reference to "
					+ EntityProxies.entityClass(value).getSimpleName() + "#" + EntityProxies.identifier(value)
					+ " whose shard Shardwise cannot tell without loading it: load it inside the transaction "
					+ "that saves this entity, give it a Shardwise id, or select the shard (ShardTemplate.onShard)");
		}
		return known(entity);
	}

	/**
	 * Return the name of an entity class's {@code @ShardKey} property, or {@code null} if
	 * it has none.
	 * @param type an entity class
	 * @return the property name or {@code null}
	 */
	public String shardKeyProperty(Class<?> type) {
		EntityKey key = entityKey(type);
		return (key != null) ? key.field().getName() : null;
	}

	/**
	 * Return the shard that a value of an entity class's {@code @ShardKey} maps to, without
	 * loading anything: a value through the key's strategy, an entity (or a proxy of one)
	 * by its own shard, as {@link #shardOf} tells it.
	 * @param type an entity class with a {@code @ShardKey}
	 * @param value a value of its key
	 * @return the shard, or {@code null} if the value is a lazy reference (or an entity)
	 * whose shard nothing tells
	 * @throws UnknownShardKeyException if the value is {@code null} or maps to no shard
	 */
	public Shard shardOfKey(Class<?> type, Object value) {
		EntityKey key = entityKey(type);
		if (key == null) {
			throw new IllegalArgumentException(type.getName() + " has no @ShardKey");
		}
		if (value == null) {
			throw new UnknownShardKeyException(key.strategy().isEmpty() ? "(default)" : key.strategy(), null,
					"@ShardKey " + key.describe() + " is null");
		}
		if (!EntityProxies.isEntity(value)) {
			return shardFor(key.strategy(), value);
		}
		return EntityProxies.isUninitialized(value) ? known(value) : shardOf(value);
	}

	/**
	 * Return the shard that holds the row of an entity instance written before, as far as
	 * Shardwise can tell without a query and whatever its {@code @ShardKey} says now: the
	 * shard its Shardwise id names, or else the shard the instance was loaded from or
	 * saved to ({@link EntityShards}; not for entities of a durable placement, whose
	 * buckets may have moved since).
	 * @param entity the entity
	 * @return the shard, or {@code null} if Shardwise cannot tell (a new entity, a foreign
	 * id, an instance it never saw)
	 */
	public Shard shardOfRow(Object entity) {
		Class<?> type = EntityProxies.entityClass(entity);
		IdField id = idField(type);
		if (id != null) {
			Object value = id.read(entity);
			return (value != null) ? shardOfId(type, value) : null;
		}
		return isPlaced(type) ? null : EntityShards.shardOf(entity);
	}

	/**
	 * Describe an entity class's {@code @ShardKey} for messages, as
	 * {@code Class.property}.
	 * @param type an entity class
	 * @return the description, or {@code null} if it has no key
	 */
	public String describeShardKey(Class<?> type) {
		EntityKey key = entityKey(type);
		return (key != null) ? key.describe() : null;
	}

	/**
	 * Return the shard of an entity from what is known about the instance rather than
	 * read from it: the persistence context holding it, where it was loaded or saved, its
	 * Shardwise id.
	 */
	private Shard known(Object entity) {
		ShardedTransaction transaction = (ShardedTransaction) org.springframework.transaction.support.TransactionSynchronizationManager
			.getResource(ShardedTransaction.class);
		Shard shard = (transaction != null) ? transaction.shardOf(entity) : null;
		if (shard == null) {
			shard = EntityShards.shardOf(entity);
		}
		if (shard == null) {
			IdField id = idField(EntityProxies.entityClass(entity));
			shard = (id != null) ? shardOfId(id.read(entity)) : null;
		}
		return shard;
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
	 * Return whether an entity class has a {@code @ShardwiseId} id.
	 * @param type an entity class
	 * @return whether its ids name their shard
	 */
	public boolean hasShardwiseId(Class<?> type) {
		return idField(type) != null;
	}

	/**
	 * Check at startup that a {@code @ShardKey} parameter's type can be routed: a value the
	 * strategies map (text, numbers, enums, UUIDs, dates and times), an entity that routes
	 * by its own {@code @ShardKey} or Shardwise id, or a collection or array of either.
	 * @param type the declared parameter type
	 * @param elementType the element type of a collection parameter, if known
	 * @param method the method, for the message
	 * @return whether the key is an entity, which routes by its own key rather than
	 * through a strategy
	 * @throws ShardRoutingException if the type cannot be routed
	 */
	public boolean validateKeyType(Class<?> type, Class<?> elementType, String method) {
		Class<?> checked = type.isArray() ? type.getComponentType()
				: (Collection.class.isAssignableFrom(type) || Iterable.class.isAssignableFrom(type)) ? elementType : type;
		if (checked == null || checked == Object.class || isKeyValue(checked)) {
			return false;
		}
		if (EntityProxies.isEntityClass(checked)) {
			if (hasShardKey(checked) || hasShardwiseId(checked)) {
				return true;
			}
			throw new ShardRoutingException("@ShardKey on " + method + ": " + checked.getName()
					+ " is an entity without a @ShardKey field or a @ShardwiseId id, so Shardwise cannot route by it; "
					+ "pass its key value instead");
		}
		throw new ShardRoutingException("@ShardKey on " + method + ": Shardwise cannot route a parameter of type "
				+ checked.getName() + "; pass a value the strategy maps (text, a number, an enum, a UUID, a date), "
				+ "an entity with a @ShardKey, or a collection of them");
	}

	private static boolean isKeyValue(Class<?> type) {
		return type.isPrimitive() || CharSequence.class.isAssignableFrom(type) || Number.class.isAssignableFrom(type)
				|| type.isEnum() || type == Boolean.class || type == Character.class || type == java.util.UUID.class
				|| java.time.temporal.Temporal.class.isAssignableFrom(type) || java.util.Date.class.isAssignableFrom(type)
				|| java.time.temporal.TemporalAccessor.class.isAssignableFrom(type);
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
		if (id instanceof Long value) {
			int bucket = ShardIds.bucketOf(value, this.idsValidFrom);
			if (bucket >= 0) {
				// Bucket layout: the bucket's current owner, wherever the bucket has moved.
				return (this.placed != null && bucket < this.placed.getBucketCount())
						? this.shards.get(this.placed.shardOfBucket(bucket)) : null;
			}
			return this.shards.at(ShardIds.shardIndexOf(value, this.idsValidFrom));
		}
		return null;
	}

	/**
	 * Return the shard named by a Shardwise-generated id of an entity class, or
	 * {@code null} if the id does not tell where the row is: it is not such an id, or it
	 * is an id of the shard layout of a class that the durable placement places, and
	 * buckets have moved since (the row may have moved with its bucket).
	 * @param type the entity class
	 * @param id a candidate id
	 * @return the shard or {@code null}
	 */
	public Shard shardOfId(Class<?> type, Object id) {
		if (this.placed != null && this.placed.getVersion() > 1 && id instanceof Long value
				&& ShardIds.bucketOf(value, this.idsValidFrom) < 0 && isPlaced(type)) {
			return null;
		}
		return shardOfId(id);
	}

	/**
	 * Return when the application began to generate Shardwise ids: values that decode to
	 * an earlier time are foreign ids.
	 * @return the start of trusted ids
	 */
	public Instant idsValidFrom() {
		return Instant.ofEpochMilli(this.idsValidFrom);
	}

	private IdField idField(Class<?> type) {
		IdField id = this.shardwiseIds.get(type);
		if (id == null) {
			id = this.shardwiseIds.computeIfAbsent(type, IdField::find);
		}
		return (id != IdField.NONE) ? id : null;
	}

	/**
	 * Name the tables whose rows the placed strategy places (the tables a move copies), so
	 * that SQL fan-outs over other tables are not guarded.
	 * @param tables the table names
	 */
	public void placedTables(Collection<String> tables) {
		this.placedTables = tables.stream().map(String::toLowerCase).collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Return the snapshot an unkeyed fan-out over a repository's entities takes, or
	 * {@code null} if no durable placement places them.
	 * @param domainType the repository's entity class
	 * @return the snapshot, or {@code null}
	 */
	public PlacedFanOut placedFanOut(Class<?> domainType) {
		PlacementCheck check = this.placementCheck;
		return (check != null && isPlaced(domainType)) ? check.fanOut() : null;
	}

	/**
	 * Return the snapshot an SQL fan-out takes, or {@code null} if no durable placement is
	 * set or the statement names none of its tables (every statement counts when the
	 * tables are not known).
	 * @param sql the statement
	 * @return the snapshot, or {@code null}
	 */
	public PlacedFanOut placedFanOut(String sql) {
		PlacementCheck check = this.placementCheck;
		if (check == null) {
			return null;
		}
		Set<String> tables = this.placedTables;
		if (!tables.isEmpty()) {
			boolean named = false;
			for (String word : WORDS.split(sql.toLowerCase())) {
				if (tables.contains(word)) {
					named = true;
					break;
				}
			}
			if (!named) {
				return null;
			}
		}
		return check.fanOut();
	}

	/**
	 * Return whether the placed strategy places an entity class: its {@code @ShardKey} is
	 * a value of that strategy or an association to a placed class.
	 */
	private boolean isPlaced(Class<?> type) {
		Boolean placed = this.placedTypes.get(type);
		if (placed == null) {
			// Not computeIfAbsent: finding it may look up the key's own class.
			placed = findPlaced(type);
			this.placedTypes.put(type, placed);
		}
		return placed;
	}

	private boolean findPlaced(Class<?> type) {
		EntityKey key = (this.placed != null) ? entityKey(type) : null;
		if (key == null) {
			return false;
		}
		Class<?> keyType = key.field().getType();
		if (EntityProxies.isEntityClass(keyType)) {
			return keyType != type && isPlaced(keyType);
		}
		return this.placedStrategy.equals(resolveStrategy(key.strategy()));
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
		return bucketOf(entity, false);
	}

	/**
	 * Return the bucket of an entity that is about to be written, like
	 * {@link #bucketOf(Object)}, except that a lazy {@code @ShardKey} association whose
	 * identifier does not name its bucket is loaded (in the session that writes), so that
	 * no placed row escapes the move's fence.
	 * @param entity the entity
	 * @return the bucket, or -1 if the entity is placed by another strategy (or none)
	 * @throws ShardRoutingException if the key is {@code null}
	 */
	public int bucketOfWritten(Object entity) {
		return bucketOf(entity, true);
	}

	private int bucketOf(Object entity, boolean load) {
		if (this.placed == null) {
			return -1;
		}
		EntityKey key = entityKey(EntityProxies.entityClass(entity));
		if (key == null || EntityProxies.isUninitialized(entity)) {
			return -1;
		}
		Object value = key.read(entity);
		if (value == null) {
			throw new ShardRoutingException("@ShardKey " + key.describe() + " is null");
		}
		if (EntityProxies.isEntity(value)) {
			if (!EntityProxies.isUninitialized(value)) {
				return bucketOf(value, load);
			}
			// A lazy parent is not loaded to read its key: its id names its bucket if it is
			// of the bucket layout; otherwise the row gets an id of the shard layout.
			Object parentId = EntityProxies.identifier(value);
			int bucket = (parentId instanceof Long id) ? ShardIds.bucketOf(id, this.idsValidFrom) : -1;
			return (bucket >= 0 || !load || !isPlaced(EntityProxies.entityClass(value))) ? bucket
					: bucketOf(EntityProxies.load(value), true);
		}
		return this.placedStrategy.equals(resolveStrategy(key.strategy())) ? this.placed.bucketOf(value) : -1;
	}

	/**
	 * Return the bucket of the placed strategy that a Shardwise id of the bucket layout
	 * names, or -1 for any other value (or when no strategy is placed).
	 * @param id a candidate id
	 * @return the bucket, or -1
	 */
	public int placedBucketOfId(Object id) {
		if (this.placed == null || !(id instanceof Long value)) {
			return -1;
		}
		int bucket = ShardIds.bucketOf(value, this.idsValidFrom);
		return (bucket < this.placed.getBucketCount()) ? bucket : -1;
	}

	/**
	 * Return the bucket of the placed strategy that a single key maps to, or -1 if the key
	 * is routed by another strategy (or none is placed).
	 * @param strategy the strategy name of the {@code @ShardKey}, or empty for the default
	 * @param key the key: a value or an entity
	 * @return the bucket, or -1
	 */
	public int placedBucketOfKey(String strategy, Object key) {
		if (this.placed == null || key == null || isMultiValued(key)) {
			return -1;
		}
		if (EntityProxies.isEntity(key)) {
			return bucketOf(key);
		}
		return this.placedStrategy.equals(resolveStrategy(strategy)) ? this.placed.bucketOf(key) : -1;
	}

	/**
	 * Install the checks that {@link #placedFanOut}, {@link #shardAfterMiss} and
	 * {@link #beforeBulkWrite} ask: the durable placement's.
	 * @param check the checks
	 */
	public void checkPlacementWith(PlacementCheck check) {
		this.placementCheck = check;
	}

	/**
	 * After a read keyed to a bucket of the placed strategy found nothing on a shard, ask
	 * whether the rows could be elsewhere: the read may have been routed by a map older than
	 * a move of the bucket, and have arrived after the old shard gave the rows away.
	 * @param shard the shard the read ran on
	 * @param bucket the bucket it was keyed to
	 * @return the shard to read again, or {@code null} if the miss stands
	 */
	public Shard shardAfterMiss(Shard shard, int bucket) {
		PlacementCheck check = this.placementCheck;
		return (check != null && bucket >= 0) ? check.ownerAfterMiss(shard, bucket) : null;
	}

	/**
	 * Before a bulk write (a {@code @Modifying} query) runs on a shard: refuse it while
	 * buckets move on that shard, since the move would not see its writes, and keep moves
	 * from starting there until the returned action runs.
	 * @param shard the shard
	 * @param operation the call, for the message
	 * @return the action that lets moves start again, to run when the write's transaction
	 * has ended, or {@code null} if no strategy is placed
	 */
	public Runnable beforeBulkWrite(Shard shard, String operation) {
		PlacementCheck check = this.placementCheck;
		return (check != null) ? check.beforeBulkWrite(shard, operation) : null;
	}

	/**
	 * What the durable placement checks of calls that Hibernate's write events do not see.
	 */
	public interface PlacementCheck {

		/**
		 * Take the snapshot an unkeyed fan-out over placed rows takes before it runs.
		 * @return the snapshot
		 */
		PlacedFanOut fanOut();

		/**
		 * Decide where a read keyed to a bucket that found nothing must look again.
		 * @param shard the shard the read ran on
		 * @param bucket the bucket it was keyed to
		 * @return the shard that holds the bucket's rows now, or {@code null} if the miss
		 * stands (the shard held the bucket's rows when the read ran)
		 */
		Shard ownerAfterMiss(Shard shard, int bucket);

		/**
		 * Check a bulk write about to run on a shard, and hold off moves there until it ends.
		 * @param shard the shard
		 * @param operation the call, for the message
		 * @return the action that lets moves start again
		 */
		Runnable beforeBulkWrite(Shard shard, String operation);

	}

	private EntityKey entityKey(Class<?> type) {
		// Callers pass the entity class, never a proxy class.
		EntityKey key = this.entityKeys.get(type);
		if (key == null) {
			key = this.entityKeys.computeIfAbsent(type, EntityKey::find);
		}
		return (key != EntityKey.NONE) ? key : null;
	}

	/**
	 * The {@code @ShardwiseId} field of an entity class.
	 */
	private record IdField(Field field) {

		static final IdField NONE = new IdField(null);

		static IdField find(Class<?> type) {
			Field found = EntityProxies.findField(type, "io.shardwise.id.ShardwiseId");
			if (found == null) {
				return NONE;
			}
			ReflectionUtils.makeAccessible(found);
			return new IdField(found);
		}

		Object read(Object entity) {
			return EntityProxies.isProxy(entity) ? EntityProxies.identifier(entity)
					: ReflectionUtils.getField(this.field, entity);
		}

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
