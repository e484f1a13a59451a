package io.shardwise.repository;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.shardwise.annotation.ShardKey;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.id.ShardwiseId;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.EntityShards;
import io.shardwise.routing.PlacedFanOut;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.unitofwork.ShardUnitOfWork;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.core.ResolvableType;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.repository.CrudRepository;
import org.springframework.data.repository.core.RepositoryMetadata;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ReflectionUtils;

/**
 * Routes each call of one Spring Data repository to its shard(s). It sits in front of
 * the repository's transaction advice, so the shard is chosen before a transaction
 * opens.
 *
 * <ul>
 * <li>A method with a {@link ShardKey} parameter runs on that key's shard; a collection
 * key runs on the shards of its values, each shard receiving only its own values.
 * <li>{@code save}, {@code delete} and friends run on the entity's shard;
 * {@code saveAll} and {@code deleteAll(Iterable)} write each shard's entities there.
 * <li>{@code findById}, {@code existsById}, {@code deleteById}: an id made by
 * {@link ShardwiseId} goes to the shard it names; any other id is looked for on every
 * shard, and found on two it is refused.
 * <li>Any other method runs on the selected shard if there is one, and otherwise on every
 * shard in parallel, with results merged by {@link RepositoryResults} (streams lazily, by
 * {@link StreamMerge}; fluent queries by {@link FluentQueries}), in an order checked
 * before any shard runs against the entity ({@link SortProperties}) and the rows
 * returned ({@link ResultProperties}).
 * <li>With a durable placement ({@link ShardRouter#checkPlacementWith}): a read keyed to
 * one of its buckets that finds nothing runs again if its shard gave the bucket away
 * since the call was routed, and a {@code @Modifying} query is refused on a shard whose
 * buckets are moving.
 * </ul>
 */
public class ShardRepositoryInterceptor implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(ShardRepositoryInterceptor.class);

	private static final boolean JPA_PRESENT = org.springframework.util.ClassUtils
		.isPresent("jakarta.persistence.EntityManagerFactory", ShardRepositoryInterceptor.class.getClassLoader());

	private static final boolean HIBERNATE_PRESENT = org.springframework.util.ClassUtils.isPresent(
			"org.hibernate.engine.spi.SessionFactoryImplementor", ShardRepositoryInterceptor.class.getClassLoader());

	private final ShardRouter router;

	private final FanOutExecutor fanOut;

	private final Class<?> domainType;

	/** Whether the repository is Spring Data JPA's (its entity is a JPA entity), not Spring Data JDBC's. */
	private final boolean jpaEntity;

	private final boolean shardwiseIds;

	private final String idProperty;

	/** The id field, for messages; {@code null} if none is found. */
	private final Field idField;

	private final boolean fanOutAllowed;

	private final SortProperties sortProperties;

	private final ResultProperties resultProperties;

	private final FluentQueries fluentQueries;

	/** Read on the first native query with a sort: empty without Hibernate's JPA. */
	private volatile Optional<ResultProperties.NativeColumns> entityColumns;

	private final Supplier<EntityOrder.NullOrdering> nullOrdering;

	private final Supplier<PlatformTransactionManager> transactionManager;

	private final Map<Method, RepositoryMethod> methods = new ConcurrentHashMap<>();

	/** The {@code @Modifying} query methods: bulk writes, which Hibernate's events do not see. */
	private final Set<Method> bulkWrites = ConcurrentHashMap.newKeySet();

	/** Created on the first grouped query that fans out: it needs JPA on the classpath. */
	private volatile GroupedQueryRunner groupedQueries;

	/** Created on the first deep page: empty when the transaction manager is not JPA's. */
	private volatile Optional<DeepPage> deepPages;

	/**
	 * Create the interceptor for one repository and check its methods, so that a
	 * misconfigured {@code @ShardKey} fails at startup.
	 * @param metadata the repository's metadata
	 * @param router the router
	 * @param fanOut runs calls on shards
	 * @param fanOutAllowed whether calls without a key may run on every shard without
	 * {@link io.shardwise.annotation.AllowFanOut}
	 * @param nullOrdering where the shard databases sort NULLs, asked on first use
	 * @param transactionManager supplies the transactions that shard streams are read in
	 * @throws ShardRoutingException if a method or the entity names an unknown strategy
	 */
	ShardRepositoryInterceptor(RepositoryMetadata metadata, ShardRouter router, FanOutExecutor fanOut,
			boolean fanOutAllowed, Supplier<EntityOrder.NullOrdering> nullOrdering,
			Supplier<PlatformTransactionManager> transactionManager) {
		this.router = router;
		this.fanOut = fanOut;
		this.fanOutAllowed = fanOutAllowed;
		this.nullOrdering = nullOrdering;
		this.transactionManager = transactionManager;
		this.domainType = metadata.getDomainType();
		this.jpaEntity = JPA_PRESENT && this.domainType.isAnnotationPresent(jakarta.persistence.Entity.class);
		router.validate(this.domainType);
		this.shardwiseIds = findField(this.domainType, ShardwiseId.class) != null;
		this.idField = findField(this.domainType, null);
		if (this.idField != null) {
			ReflectionUtils.makeAccessible(this.idField);
		}
		this.idProperty = (this.idField != null) ? this.idField.getName() : null;
		this.sortProperties = new SortProperties(this.domainType);
		this.resultProperties = new ResultProperties(this.domainType, this.idProperty, this.sortProperties,
				this::entityColumns);
		this.fluentQueries = new FluentQueries(this.domainType, this.idProperty, this.sortProperties,
				this.resultProperties);
		for (Method method : metadata.getRepositoryInterface().getMethods()) {
			if (!method.isDefault() && !java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
				RepositoryMethod plan = RepositoryMethod.of(method, this.domainType);
				if (plan.kind() == RepositoryMethod.Kind.KEY) {
					ResolvableType keyType = ResolvableType.forMethodParameter(method, plan.keyIndex());
					boolean entityKey = router.validateKeyType(keyType.resolve(Object.class),
							keyType.asCollection().resolveGeneric(0), plan.describe());
					if (!entityKey) {
						try {
							router.resolveStrategy(plan.strategy());
						}
						catch (ShardRoutingException ex) {
							throw new ShardRoutingException("@ShardKey on " + plan.describe() + ": " + ex.getMessage(),
									ex);
						}
					}
				}
				this.methods.put(method, plan);
				if (plan.writes() && isModifying(method)) {
					this.bulkWrites.add(method);
				}
			}
		}
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		RepositoryMethod plan = this.methods.get(method);
		if (plan == null) {
			plan = this.methods.computeIfAbsent(method, (m) -> RepositoryMethod.of(m, this.domainType));
		}
		Object[] args = invocation.getArguments();
		return switch (plan.kind()) {
			case PASS -> invocation.proceed();
			case KEY -> routeByKey(invocation, plan, args[plan.keyIndex()]);
			case ENTITY -> routeEntity(invocation, plan, args[0]);
			case ENTITIES -> routeEntities(invocation, plan, args[0]);
			case ID -> routeById(invocation, plan, args[0]);
			case IDS -> routeByIds(invocation, plan, args[0]);
			case UNKEYED -> routeUnkeyed(invocation, plan);
		};
	}

	private Object routeByKey(MethodInvocation invocation, RepositoryMethod plan, Object key) throws Throwable {
		if (!ShardRouter.isMultiValued(key)) {
			Shard shard = checkPinned(this.router.shardFor(plan.strategy(), key), plan, key);
			Object result = runOn(shard, plan, invocation);
			return isMiss(plan, result) ? afterMiss(invocation, shard, this.router.placedBucketOfKey(plan.strategy(), key),
					result) : result;
		}
		Map<Shard, List<Object>> byShard = this.router.groupByShard(plan.strategy(), key);
		if (byShard.isEmpty()) {
			return RepositoryResults.empty(plan, invocation.getArguments());
		}
		byShard.forEach((shard, values) -> checkPinned(shard, plan, values));
		if (byShard.size() == 1) {
			return runOn(byShard.keySet().iterator().next(), plan, invocation);
		}
		Map<Shard, Object[]> shardArgs = new LinkedHashMap<>();
		byShard.forEach((shard, values) -> {
			Object[] args = invocation.getArguments().clone();
			args[plan.keyIndex()] = sameKind(key, values);
			shardArgs.put(shard, args);
		});
		return fanOut(invocation, plan, ShardCallKind.FAN_OUT, shardArgs, false);
	}

	private Object routeEntity(MethodInvocation invocation, RepositoryMethod plan, Object entity) throws Throwable {
		Shard shard = (entity != null) ? shardOfEntity(entity, plan) : null;
		if (shard == null) {
			return proceedOnSelectedShard(invocation, entity);
		}
		Object result = runOn(shard, plan, invocation);
		EntityShards.remember(entity, shard);
		EntityShards.remember(result, shard);
		return result;
	}

	/**
	 * Return the shard an entity is written to, refusing one whose key maps elsewhere
	 * than the pinned shard or than the shard its row is on (a changed key would leave the
	 * row on its old shard, and the write would look for it on the new one): the shard
	 * whose EntityManager manages it, or else the one its Shardwise id names or it was
	 * loaded from ({@link ShardRouter#shardOfRow}). Refused before anything runs.
	 */
	private Shard shardOfEntity(Object entity, RepositoryMethod plan) {
		Shard shard = this.router.shardOf(entity);
		if (shard == null) {
			return null;
		}
		ShardUnitOfWork unitOfWork = ShardUnitOfWork.current();
		Shard managed = (unitOfWork != null) ? unitOfWork.shardManaging(entity, shard) : null;
		if (managed != null) {
			if (!managed.equals(shard)) {
				throw keyChanged(plan, entity, "loaded from shard '" + managed.id() + "'", shard);
			}
		}
		else {
			Shard row = this.router.shardOfRow(entity);
			if (row != null && !row.equals(shard)) {
				throw keyChanged(plan, entity, this.router.hasShardwiseId(this.domainType)
						? "whose Shardwise id names shard '" + row.id() + "' and"
						: "loaded from shard '" + row.id() + "'", shard);
			}
		}
		return checkPinned(shard, plan, entity);
	}

	private ShardRoutingException keyChanged(RepositoryMethod plan, Object entity, String origin, Shard shard) {
		Object id = (this.idField != null && this.idField.getDeclaringClass().isInstance(entity))
				? ReflectionUtils.getField(this.idField, entity) : null;
		return new ShardRoutingException(plan.describe() + " was given a " + entity.getClass().getSimpleName()
				+ ((id != null) ? "#" + id : "") + " " + origin + " whose @ShardKey now maps to shard '" + shard.id()
				+ "'; Shardwise does not move rows: delete it and save a copy in separate transactions. "
				+ "Nothing was written");
	}

	private static Shard checkPinned(Shard shard, RepositoryMethod plan, Object key) {
		Shard pinned = ShardContext.pinnedShard();
		if (pinned != null && !pinned.equals(shard)) {
			throw new ShardRoutingException(plan.describe() + " is keyed to shard '" + shard.id() + "' (key ["
					+ key + "]) but runs inside ShardTemplate on shard '" + pinned.id()
					+ "'; an explicit shard wins and a keyed call may not leave it");
		}
		return shard;
	}

	private Object routeEntities(MethodInvocation invocation, RepositoryMethod plan, Object entities)
			throws Throwable {
		if (!(entities instanceof Iterable<?> iterable)) {
			return invocation.proceed();
		}
		Map<Shard, List<Integer>> positions = new LinkedHashMap<>();
		List<Object> all = new ArrayList<>();
		for (Object entity : iterable) {
			Shard shard = (entity != null) ? shardOfEntity(entity, plan) : null;
			if (shard == null) {
				return proceedOnSelectedShard(invocation, entity);
			}
			positions.computeIfAbsent(shard, (key) -> new ArrayList<>()).add(all.size());
			all.add(entity);
		}
		if (positions.size() <= 1) {
			return positions.isEmpty() ? invocation.proceed()
					: runOn(positions.keySet().iterator().next(), plan, invocation);
		}
		// Writes go shard after shard, each in its own transaction; inside one transaction
		// the second shard is refused before anything is written there.
		ProxyMethodInvocation proxyInvocation = (ProxyMethodInvocation) invocation;
		Object[] merged = new Object[all.size()];
		boolean returnsList = false;
		List<String> written = new ArrayList<>();
		for (Map.Entry<Shard, List<Integer>> group : positions.entrySet()) {
			List<Object> entitiesOfShard = group.getValue().stream().map(all::get).toList();
			MethodInvocation call = proxyInvocation.invocableClone(new Object[] { new ArrayList<>(entitiesOfShard) });
			Object result;
			try {
				result = runOn(group.getKey(), plan, call);
			}
			catch (Throwable ex) {
				warnPartlyWritten(plan, written, group.getKey(), positions.keySet(), ex);
				throw ex;
			}
			written.add(group.getKey().id());
			entitiesOfShard.forEach((entity) -> EntityShards.remember(entity, group.getKey()));
			if (result instanceof List<?> saved) {
				returnsList = true;
				for (int i = 0; i < saved.size(); i++) {
					merged[group.getValue().get(i)] = saved.get(i);
				}
			}
		}
		return returnsList ? new ArrayList<>(List.of(merged)) : null;
	}

	/**
	 * Outside a transaction the groups before a failing one stay committed: say which,
	 * since the exception is the failing group's own.
	 */
	private static void warnPartlyWritten(RepositoryMethod plan, List<String> written, Shard failed,
			Set<Shard> groups, Throwable ex) {
		if (written.isEmpty() || TransactionSynchronizationManager.isActualTransactionActive()) {
			return;
		}
		List<String> notWritten = groups.stream()
			.map(Shard::id)
			.filter((id) -> !written.contains(id) && !id.equals(failed.id()))
			.toList();
		logger.warn(plan.method().getName() + " across shards committed on shard(s) " + written
				+ " and then failed on shard '" + failed.id() + "'" + (notWritten.isEmpty() ? ""
						: "; shard(s) " + notWritten + " were not written") + ": " + ex);
	}

	private Object routeById(MethodInvocation invocation, RepositoryMethod plan, Object id) throws Throwable {
		// An explicit shard wins: look there only.
		Shard shard = ShardContext.pinnedShard();
		if (shard == null && this.shardwiseIds) {
			shard = this.router.shardOfId(this.domainType, id);
		}
		boolean reference = plan.method().getName().startsWith("get");
		if (shard == null && (id == null || (reference && ShardContext.currentShard() != null))) {
			shard = ShardContext.currentShard();
			if (shard == null) {
				return invocation.proceed();
			}
		}
		if (shard != null) {
			Object result = runOn(shard, plan, invocation);
			if (reference) {
				EntityShards.remember(result, shard);
			}
			else if (isMiss(plan, result)) {
				return afterMiss(invocation, shard, this.router.placedBucketOfId(id), result);
			}
			return result;
		}
		if (reference) {
			String why = (id instanceof Long)
					? "it is not a Shardwise id, see shardwise.id.valid-from, or an id of the shard layout of a row "
							+ "whose bucket may have moved"
					: "a " + id.getClass().getSimpleName() + " id never names a shard";
			throw new ShardRoutingException(plan.describe() + "(" + id + ") returns a lazy reference, which needs a "
					+ "Shardwise id that names its shard, or a selected shard: " + id + " names none (" + why
					+ "); select the shard (ShardTemplate, a @ShardKey method) or use findById, which looks on "
					+ "every shard");
		}
		if (plan.method().getName().equals("deleteById")
				&& ((ProxyMethodInvocation) invocation).getProxy() instanceof CrudRepository<?, ?> repository
				&& placedFanOut(plan, ShardCallKind.ID_LOOKUP) == null) {
			return deleteByForeignId(invocation, plan, repository, id);
		}
		// A foreign id may be on any shard: look on every one, even inside a routed call.
		return fanOut(invocation, plan, ShardCallKind.ID_LOOKUP, allShards(invocation.getArguments()), true);
	}

	/**
	 * Delete by a foreign id where it is, once sure it names one row: found on two shards
	 * it is refused before anything is deleted, as {@code findById} refuses it. The
	 * existence checks go through the repository's proxy, pinned to each shard, so that
	 * Spring Data's own interceptors run around them on the fan-out's threads.
	 */
	@SuppressWarnings("unchecked")
	private Object deleteByForeignId(MethodInvocation invocation, RepositoryMethod plan, CrudRepository<?, ?> proxy,
			Object id) throws Throwable {
		checkFanOutAllowed(plan, ShardCallKind.ID_LOOKUP, invocation.getArguments());
		CrudRepository<Object, Object> repository = (CrudRepository<Object, Object>) proxy;
		Map<Shard, Object> found = this.fanOut.execute(ShardCallKind.ID_LOOKUP, plan.describe(),
				this.router.shards().all(),
				(shard) -> ShardContext.callPinned(shard, () -> repository.existsById(id)) ? shard : null);
		refuseIdOnSeveralShards(plan, new Object[] { id }, found);
		for (Map.Entry<Shard, Object> holder : found.entrySet()) {
			if (holder.getValue() != null) {
				return runOn(holder.getKey(), plan, invocation);
			}
		}
		return null;
	}

	private Object routeByIds(MethodInvocation invocation, RepositoryMethod plan, Object ids) throws Throwable {
		if (!(ids instanceof Iterable<?> iterable) || ShardContext.pinnedShard() != null) {
			return invocation.proceed();
		}
		Map<Shard, List<Object>> byShard = new LinkedHashMap<>();
		for (Object id : iterable) {
			Shard shard = this.shardwiseIds ? this.router.shardOfId(this.domainType, id) : null;
			if (shard == null) {
				// An id that names no shard could be anywhere: ask every shard for all of them.
				return fanOut(invocation, plan, ShardCallKind.ID_LOOKUP, allShards(invocation.getArguments()), false);
			}
			byShard.computeIfAbsent(shard, (key) -> new ArrayList<>()).add(id);
		}
		if (byShard.isEmpty()) {
			return invocation.proceed();
		}
		Map<Shard, Object[]> shardArgs = new LinkedHashMap<>();
		byShard.forEach((shard, idsOfShard) -> shardArgs.put(shard, new Object[] { new ArrayList<>(idsOfShard) }));
		return fanOut(invocation, plan, ShardCallKind.ROUTED, shardArgs, false);
	}

	private Object routeUnkeyed(MethodInvocation invocation, RepositoryMethod plan) throws Throwable {
		if (ShardContext.currentShard() != null) {
			return invocation.proceed();
		}
		return fanOut(invocation, plan, ShardCallKind.FAN_OUT, allShards(invocation.getArguments()), false);
	}

	private Object runOn(Shard shard, RepositoryMethod plan, MethodInvocation invocation) throws Throwable {
		if (plan.writes()) {
			ShardUnitOfWork.beforeWrite(shard, plan.describe());
			if (this.bulkWrites.contains(plan.method())) {
				return bulkWrite(shard, plan, () -> this.fanOut.run(ShardCallKind.ROUTED, plan.describe(), shard,
						invocation::proceed));
			}
		}
		return this.fanOut.run(ShardCallKind.ROUTED, plan.describe(), shard, invocation::proceed);
	}

	/**
	 * Run a bulk write on a shard past the durable placement's check: refused while
	 * buckets move there, and holding off moves until its transaction has ended (the
	 * caller's, if one is active, else the one the call opens and commits itself).
	 */
	private Object bulkWrite(Shard shard, RepositoryMethod plan, ShardContext.Action<Object> call) throws Throwable {
		Runnable release = this.router.beforeBulkWrite(shard, plan.describe());
		if (release == null) {
			return call.run();
		}
		if (TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCompletion(int status) {
					release.run();
				}

			});
			return call.run();
		}
		try {
			return call.run();
		}
		finally {
			release.run();
		}
	}

	private static boolean isModifying(Method method) {
		for (Annotation annotation : method.getAnnotations()) {
			if (annotation.annotationType().getName().equals("org.springframework.data.jpa.repository.Modifying")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a read routed to one shard found nothing: {@code null}, an empty
	 * {@code Optional} or collection, {@code false} or zero. Not for a shard the
	 * application pinned, which is where it wants to look.
	 */
	private static boolean isMiss(RepositoryMethod plan, Object result) {
		if (plan.writes() || ShardContext.pinnedShard() != null) {
			return false;
		}
		return result == null || (result instanceof Optional<?> optional && optional.isEmpty())
				|| Boolean.FALSE.equals(result) || (result instanceof Collection<?> collection && collection.isEmpty())
				|| (result instanceof Slice<?> slice && !slice.hasContent())
				|| ((result instanceof Long || result instanceof Integer) && ((Number) result).longValue() == 0);
	}

	/**
	 * After a read keyed to a bucket of the placed strategy found nothing: if the shard
	 * gave the bucket away after the call was routed (a move cut it over and cleaned it up
	 * meanwhile), call the repository again, routed by the refreshed map.
	 */
	private Object afterMiss(MethodInvocation invocation, Shard shard, int bucket, Object result) throws Throwable {
		if (bucket < 0 || this.router.shardAfterMiss(shard, bucket) == null) {
			return result;
		}
		// Through the proxy: the whole chain again (routing, transaction advice).
		Object proxy = ((ProxyMethodInvocation) invocation).getProxy();
		try {
			return invocation.getMethod().invoke(proxy, invocation.getArguments());
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private Object proceedOnSelectedShard(MethodInvocation invocation, Object entity) throws Throwable {
		if (entity != null && ShardContext.effectiveShard() == null) {
			throw new ShardRoutingException(RepositoryMethod.passThrough(invocation.getMethod()).describe()
					+ " was given a " + entity.getClass().getSimpleName()
					+ ", which has no @ShardKey field, and no shard is selected");
		}
		return invocation.proceed();
	}

	private Map<Shard, Object[]> allShards(Object[] args) {
		Map<Shard, Object[]> shardArgs = new LinkedHashMap<>();
		this.router.shards().all().forEach((shard) -> shardArgs.put(shard, args));
		return shardArgs;
	}

	/**
	 * Run a method on shards and merge their answers; {@code byId} for a lookup by an id
	 * that names no shard, which is refused if two shards have a row with it.
	 */
	private Object fanOut(MethodInvocation invocation, RepositoryMethod plan, ShardCallKind kind,
			Map<Shard, Object[]> shardArgs, boolean byId) {
		Object[] args = invocation.getArguments();
		checkFanOutAllowed(plan, kind, args);
		PlacedFanOut placed = placedFanOut(plan, kind);
		if (placed != null && !filterable(plan)) {
			placed.refuseUnfiltered(plan.describe());
		}
		if (plan.grouped() != null) {
			Object grouped = groupedQueries().fanOut(plan, kind, shardArgs, this.fanOut, this.nullOrdering.get());
			if (placed != null) {
				placed.checkExact(plan.describe());
			}
			return grouped;
		}
		if (plan.shape() == RepositoryMethod.Shape.FLUENT) {
			Object fluent = this.fluentQueries.fanOut(plan, (ProxyMethodInvocation) invocation,
					List.copyOf(shardArgs.keySet()), this.fanOut, this.nullOrdering.get());
			if (placed != null) {
				placed.checkExact(plan.describe());
			}
			return fluent;
		}
		Sort mergeSort = RepositoryResults.mergeSort(plan, args, this.idProperty);
		// Before any shard runs: a bad sort is the caller's error, not a shard's.
		ResultProperties.Orders orders = (mergeSort != null) ? orders(plan, args, mergeSort) : null;
		Sort sort = (orders != null) ? orders.shardSort() : null;
		// As the store folds case: Spring Data JPA by lower() except in derived queries,
		// Spring Data JDBC by upper().
		EntityOrder.CaseFolding folding = (this.jpaEntity && !plan.derivedQuery()) ? EntityOrder.CaseFolding.LOWER
				: EntityOrder.CaseFolding.UPPER;
		Comparator<Object> order = (orders != null) ? EntityOrder.of(orders.mergeSort(), this.nullOrdering.get(), folding)
				: null;
		// Sorted by a property of a lazy association outside a transaction: each shard's
		// call runs in a read-only transaction that reads the values before its session closes.
		Sort loadInShard = (orders != null && JPA_PRESENT && EntityOrder.readsNested(mergeSort)
				&& !TransactionSynchronizationManager.isActualTransactionActive()) ? orders.mergeSort() : null;
		ProxyMethodInvocation proxyInvocation = (ProxyMethodInvocation) invocation;
		if (kind == ShardCallKind.FAN_OUT && plan.kind() == RepositoryMethod.Kind.UNKEYED && isFindAllPage(plan)) {
			Page<Object> page = deepPage(plan, proxyInvocation, (Pageable) args[0], sort, order,
					List.copyOf(shardArgs.keySet()));
			if (page != null) {
				if (placed != null) {
					placed.checkExact(plan.describe());
				}
				return page;
			}
		}
		Map<Shard, MethodInvocation> calls = new LinkedHashMap<>();
		shardArgs.forEach((shard, callArgs) -> calls.put(shard,
				proxyInvocation.invocableClone(RepositoryResults.shardArguments(plan, callArgs, sort))));
		if (plan.shape() == RepositoryMethod.Shape.STREAM) {
			return TransactionSynchronizationManager.isActualTransactionActive()
					? StreamMerge.openInTransaction(plan, calls, order, RepositoryResults.limit(plan, args), this.fanOut)
					: StreamMerge.open(plan, calls, order, loadInShard, RepositoryResults.limit(plan, args),
							this.fanOut, this.transactionManager.get());
		}
		// A lookup by id writes only where the row is, which the flush reports itself.
		boolean declareWrites = plan.writes() && kind != ShardCallKind.ID_LOOKUP;
		Map<Shard, Object> results = this.fanOut.execute(kind, plan.describe(), List.copyOf(calls.keySet()),
				(shard) -> {
					if (declareWrites) {
						ShardUnitOfWork.beforeWrite(shard, plan.describe());
						if (this.bulkWrites.contains(plan.method())) {
							return bulkWrite(shard, plan, calls.get(shard)::proceed);
						}
					}
					Object result = (loadInShard != null) ? proceedLoading(calls.get(shard), loadInShard)
							: calls.get(shard).proceed();
					return (placed != null) ? placed.keep(shard, result, plan.describe()) : result;
				});
		if (placed != null) {
			placed.checkExact(plan.describe());
		}
		if (byId) {
			refuseIdOnSeveralShards(plan, args, results);
		}
		return RepositoryResults.merge(plan, args, new ArrayList<>(results.values()), order);
	}

	/**
	 * A foreign id found on several shards names no one row (identity columns and
	 * sequences of each shard's own hand out the same ids): refuse it rather than return
	 * whichever shard answered first.
	 */
	private static void refuseIdOnSeveralShards(RepositoryMethod plan, Object[] args, Map<Shard, Object> results) {
		List<String> holders = new ArrayList<>(2);
		results.forEach((shard, result) -> {
			if (result != null && !(result instanceof Boolean) && !(result instanceof Optional<?> optional
					&& optional.isEmpty())) {
				holders.add(shard.id());
			}
		});
		if (holders.size() > 1) {
			throw new IncorrectResultSizeDataAccessException(plan.describe() + "(" + args[0] + ") found a row on "
					+ "shards " + holders + ": this id is not unique across shards (ids made by each shard, such as "
					+ "identity columns?), so it names no one row; look the row up by its shard key, or on one "
					+ "shard with ShardTemplate", 1, holders.size());
		}
	}

	/**
	 * Run a shard's call in a read-only transaction and read the values the merge compares
	 * before it ends, loading the lazy associations on their paths.
	 */
	private Object proceedLoading(MethodInvocation call, Sort sort) {
		TransactionTemplate readOnly = new TransactionTemplate(this.transactionManager.get());
		readOnly.setReadOnly(true);
		return readOnly.execute((status) -> {
			Object result;
			try {
				result = call.proceed();
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new java.lang.reflect.UndeclaredThrowableException(ex);
			}
			EntityOrder.load(sort, result);
			return result;
		});
	}

	/**
	 * Check a fan-out's order against the entity and its results, and return the order
	 * for the shards and the one for the merge.
	 */
	private ResultProperties.Orders orders(RepositoryMethod plan, Object[] args, Sort mergeSort) {
		boolean tiebreak = this.idProperty != null && mergeSort.getOrderFor(this.idProperty) != null
				&& RepositoryResults.requestedSort(plan, args).getOrderFor(this.idProperty) == null;
		return this.resultProperties.orders(plan, args, this.sortProperties.check(plan, mergeSort), tiebreak);
	}

	/**
	 * Return the snapshot of a fan-out that may see rows of a moving bucket twice, or
	 * {@code null}: keyed fan-outs send each shard only the keys it owns, an exists is
	 * exact either way, and writes are fenced row by row.
	 */
	private PlacedFanOut placedFanOut(RepositoryMethod plan, ShardCallKind kind) {
		if (kind == ShardCallKind.ROUTED || plan.kind() == RepositoryMethod.Kind.KEY
				|| plan.shape() == RepositoryMethod.Shape.BOOLEAN || plan.shape() == RepositoryMethod.Shape.VOID) {
			return null;
		}
		return this.router.placedFanOut(this.domainType);
	}

	/**
	 * Whether a method's results are whole entities that can be kept or dropped one by one
	 * (a limited list stays exact: a row pushed out of its shard's first rows by copies
	 * owned elsewhere is outranked by as many owned rows).
	 */
	private static boolean filterable(RepositoryMethod plan) {
		return plan.grouped() == null && switch (plan.shape()) {
			case LIST, SET, OPTIONAL, OTHER -> true;
			default -> false;
		};
	}

	/**
	 * Return whether a method is an inherited or redeclared {@code findAll(Pageable)}
	 * returning a {@code Page}, without a query of its own: the one a deep page is
	 * searched for (see {@link DeepPage}).
	 */
	private static boolean isFindAllPage(RepositoryMethod plan) {
		Method method = plan.method();
		if (plan.shape() != RepositoryMethod.Shape.PAGE || !method.getName().equals("findAll")
				|| method.getParameterCount() != 1 || method.getParameterTypes()[0] != Pageable.class) {
			return false;
		}
		for (java.lang.annotation.Annotation annotation : method.getAnnotations()) {
			String name = annotation.annotationType().getName();
			if (name.endsWith(".Query") || name.endsWith(".NativeQuery")) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Find a deep page by the boundary search, or return {@code null} if it does not apply
	 * (see {@link DeepPage}).
	 */
	private Page<Object> deepPage(RepositoryMethod plan, ProxyMethodInvocation invocation, Pageable pageable,
			Sort sort, Comparator<Object> order, List<Shard> shards) {
		if (this.deepPages == null) {
			// JPA may be absent (Spring Data JDBC): DeepPage loads its types.
			DeepPage created = JPA_PRESENT ? DeepPage.of(this.transactionManager.get()) : null;
			this.deepPages = (created != null) ? Optional.of(created) : Optional.empty();
		}
		return this.deepPages
			.map((deep) -> deep.find(this.domainType, pageable, sort, order, shards, this.fanOut, plan.describe(),
					(shard, shardPageable) -> (Page<?>) invocation.invocableClone(new Object[] { shardPageable })
						.proceed()))
			.orElse(null);
	}

	private ResultProperties.NativeColumns entityColumns() {
		Optional<ResultProperties.NativeColumns> columns = this.entityColumns;
		if (columns == null) {
			// Hibernate may be absent (Spring Data JDBC): EntityColumns loads its types.
			columns = Optional.ofNullable((JPA_PRESENT && HIBERNATE_PRESENT)
					? EntityColumns.of(this.transactionManager.get(), this.domainType) : null);
			this.entityColumns = columns;
		}
		return columns.orElse(null);
	}

	private GroupedQueryRunner groupedQueries() {
		GroupedQueryRunner runner = this.groupedQueries;
		if (runner == null) {
			runner = new GroupedQueryRunner(this.transactionManager.get());
			this.groupedQueries = runner;
		}
		return runner;
	}

	private void checkFanOutAllowed(RepositoryMethod plan, ShardCallKind kind, Object[] args) {
		if (plan.unmergeable() != null) {
			throw new ShardRoutingException(plan.describe() + " would run on several shards, but "
					+ plan.unmergeable() + "; pass a @ShardKey or select a shard");
		}
		RepositoryResults.checkArguments(plan, args);
		if (kind != ShardCallKind.ROUTED && plan.kind() != RepositoryMethod.Kind.KEY && !this.fanOutAllowed
				&& !plan.allowFanOut()) {
			throw new ShardRoutingException(plan.describe() + " has no shard key and would run on every shard, "
					+ "which shardwise.fan-out.allowed=false forbids; pass a @ShardKey or annotate it @AllowFanOut");
		}
	}

	/**
	 * Find the field carrying an annotation, or the id field ({@code jakarta.persistence.Id}
	 * or Spring Data's {@code @Id}) when {@code annotation} is {@code null}.
	 */
	private static Field findField(Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
		Field[] found = new Field[1];
		ReflectionUtils.doWithFields(type, (field) -> found[0] = field, (field) -> found[0] == null
				&& ((annotation != null) ? field.isAnnotationPresent(annotation) : isId(field)));
		return found[0];
	}

	private static boolean isId(Field field) {
		for (java.lang.annotation.Annotation annotation : field.getAnnotations()) {
			String name = annotation.annotationType().getName();
			if (name.equals("jakarta.persistence.Id") || name.equals("jakarta.persistence.EmbeddedId")
					|| name.equals("org.springframework.data.annotation.Id")) {
				return true;
			}
		}
		return false;
	}

	private static Object sameKind(Object original, List<Object> values) {
		if (original instanceof Set<?>) {
			return new LinkedHashSet<>(values);
		}
		if (original instanceof Collection<?>) {
			return new ArrayList<>(values);
		}
		Object array = Array.newInstance(original.getClass().getComponentType(), values.size());
		for (int i = 0; i < values.size(); i++) {
			Array.set(array, i, values.get(i));
		}
		return array;
	}

}
