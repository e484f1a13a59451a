package io.shardwise.repository;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.shardwise.annotation.ShardKey;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.id.ShardwiseId;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.EntityShards;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.unitofwork.ShardUnitOfWork;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.core.ResolvableType;
import org.springframework.data.domain.Sort;
import org.springframework.data.repository.core.RepositoryMetadata;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
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
 * shard, and the first hit wins.
 * <li>Any other method runs on the selected shard if there is one, and otherwise on every
 * shard in parallel, with results merged by {@link RepositoryResults} (streams lazily, by
 * {@link StreamMerge}).
 * </ul>
 */
public class ShardRepositoryInterceptor implements MethodInterceptor {

	private final ShardRouter router;

	private final FanOutExecutor fanOut;

	private final Class<?> domainType;

	private final boolean shardwiseIds;

	private final String idProperty;

	private final boolean fanOutAllowed;

	private final SortProperties sortProperties;

	private final Supplier<EntityOrder.NullOrdering> nullOrdering;

	private final Supplier<PlatformTransactionManager> transactionManager;

	private final Map<Method, RepositoryMethod> methods = new ConcurrentHashMap<>();

	/** Created on the first grouped query that fans out: it needs JPA on the classpath. */
	private volatile GroupedQueryRunner groupedQueries;

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
		router.validate(this.domainType);
		this.shardwiseIds = findField(this.domainType, ShardwiseId.class) != null;
		this.idProperty = idProperty(this.domainType);
		this.sortProperties = new SortProperties(this.domainType);
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
			return runOn(checkPinned(this.router.shardFor(plan.strategy(), key), plan, key), plan, invocation);
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
	 * than the pinned shard or than the shard whose EntityManager manages it (a changed
	 * key would leave the row on its old shard).
	 */
	private Shard shardOfEntity(Object entity, RepositoryMethod plan) {
		Shard shard = this.router.shardOf(entity);
		if (shard == null) {
			return null;
		}
		ShardUnitOfWork unitOfWork = ShardUnitOfWork.current();
		Shard managed = (unitOfWork != null) ? unitOfWork.shardOf(entity) : null;
		if (managed != null && !managed.equals(shard)) {
			throw new ShardRoutingException(plan.describe() + " was given a " + entity.getClass().getSimpleName()
					+ " loaded from shard '" + managed.id() + "' whose @ShardKey now maps to shard '" + shard.id()
					+ "'; Shardwise does not move rows: delete it and save a copy in separate transactions");
		}
		return checkPinned(shard, plan, entity);
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
		for (Map.Entry<Shard, List<Integer>> group : positions.entrySet()) {
			List<Object> entitiesOfShard = group.getValue().stream().map(all::get).toList();
			MethodInvocation call = proxyInvocation.invocableClone(new Object[] { new ArrayList<>(entitiesOfShard) });
			Object result = runOn(group.getKey(), plan, call);
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

	private Object routeById(MethodInvocation invocation, RepositoryMethod plan, Object id) throws Throwable {
		// An explicit shard wins: look there only.
		Shard shard = ShardContext.pinnedShard();
		if (shard == null && this.shardwiseIds) {
			shard = this.router.shardOfId(id);
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
			return result;
		}
		if (reference) {
			throw new ShardRoutingException(plan.describe() + "(" + id + ") returns a lazy reference, which needs a "
					+ "Shardwise id or a selected shard: " + id + " is not a Shardwise id (see shardwise.id.valid-from)");
		}
		// A foreign id may be on any shard: look on every one, even inside a routed call.
		return fanOut(invocation, plan, ShardCallKind.ID_LOOKUP, allShards(invocation.getArguments()), true);
	}

	private Object routeByIds(MethodInvocation invocation, RepositoryMethod plan, Object ids) throws Throwable {
		if (!(ids instanceof Iterable<?> iterable) || ShardContext.pinnedShard() != null) {
			return invocation.proceed();
		}
		Map<Shard, List<Object>> byShard = new LinkedHashMap<>();
		for (Object id : iterable) {
			Shard shard = this.shardwiseIds ? this.router.shardOfId(id) : null;
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
		}
		return this.fanOut.run(ShardCallKind.ROUTED, plan.describe(), shard, invocation::proceed);
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

	private Object fanOut(MethodInvocation invocation, RepositoryMethod plan, ShardCallKind kind,
			Map<Shard, Object[]> shardArgs, boolean firstHitWins) {
		Object[] args = invocation.getArguments();
		checkFanOutAllowed(plan, kind, args);
		if (plan.grouped() != null) {
			return groupedQueries().fanOut(plan, kind, shardArgs, this.fanOut, this.nullOrdering.get());
		}
		Sort mergeSort = RepositoryResults.mergeSort(plan, args, this.idProperty);
		// Before any shard runs: a bad sort is the caller's error, not a shard's.
		Sort sort = (mergeSort != null) ? this.sortProperties.check(plan, mergeSort) : null;
		Comparator<Object> order = (sort != null) ? EntityOrder.of(sort, this.nullOrdering.get()) : null;
		ProxyMethodInvocation proxyInvocation = (ProxyMethodInvocation) invocation;
		Map<Shard, MethodInvocation> calls = new LinkedHashMap<>();
		shardArgs.forEach((shard, callArgs) -> calls.put(shard,
				proxyInvocation.invocableClone(RepositoryResults.shardArguments(plan, callArgs, sort))));
		if (plan.shape() == RepositoryMethod.Shape.STREAM) {
			return TransactionSynchronizationManager.isActualTransactionActive()
					? StreamMerge.openInTransaction(plan, calls, order, RepositoryResults.limit(plan, args), this.fanOut)
					: StreamMerge.open(plan, calls, order, RepositoryResults.limit(plan, args), this.fanOut,
							this.transactionManager.get());
		}
		// A lookup by id writes only where the row is, which the flush reports itself.
		boolean declareWrites = plan.writes() && kind != ShardCallKind.ID_LOOKUP;
		Map<Shard, Object> results = this.fanOut.execute(kind, plan.describe(), List.copyOf(calls.keySet()),
				(shard) -> {
					if (declareWrites) {
						ShardUnitOfWork.beforeWrite(shard, plan.describe());
					}
					return calls.get(shard).proceed();
				});
		return RepositoryResults.merge(plan, args, new ArrayList<>(results.values()), order, firstHitWins);
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

	private static String idProperty(Class<?> domainType) {
		Field id = findField(domainType, null);
		return (id != null) ? id.getName() : null;
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
