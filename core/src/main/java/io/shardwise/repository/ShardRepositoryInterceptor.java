package io.shardwise.repository;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.shardwise.annotation.ShardKey;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.id.ShardwiseId;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.core.annotation.AnnotatedMethod;
import org.springframework.core.MethodParameter;
import org.springframework.data.repository.core.RepositoryMetadata;
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
 * shard in parallel, with results merged by {@link RepositoryResults}.
 * </ul>
 */
public class ShardRepositoryInterceptor implements MethodInterceptor {

	private static final Set<String> ENTITY_METHODS = Set.of("save", "saveAndFlush", "delete");

	private static final Set<String> ENTITIES_METHODS = Set.of("saveAll", "saveAllAndFlush", "deleteAll",
			"deleteAllInBatch", "deleteInBatch");

	private static final Set<String> ID_METHODS = Set.of("findById", "existsById", "deleteById", "getReferenceById",
			"getById", "getOne");

	private static final Set<String> IDS_METHODS = Set.of("findAllById", "deleteAllById", "deleteAllByIdInBatch");

	private final ShardRouter router;

	private final FanOutExecutor fanOut;

	private final boolean shardwiseIds;

	private final Map<Method, Route> routes = new ConcurrentHashMap<>();

	/**
	 * Create the interceptor for one repository and check its methods, so that a
	 * misconfigured {@code @ShardKey} fails at startup.
	 * @param metadata the repository's metadata
	 * @param router the router
	 * @param fanOut the executor for calls that run on several shards
	 * @throws ShardRoutingException if a method or the entity names an unknown strategy
	 */
	public ShardRepositoryInterceptor(RepositoryMetadata metadata, ShardRouter router, FanOutExecutor fanOut) {
		this.router = router;
		this.fanOut = fanOut;
		Class<?> domainType = metadata.getDomainType();
		router.validate(domainType);
		this.shardwiseIds = usesShardwiseIds(domainType);
		for (Method method : metadata.getRepositoryInterface().getMethods()) {
			if (!method.isDefault() && !java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
				this.routes.put(method, plan(method));
			}
		}
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		Route route = this.routes.get(method);
		if (route == null) {
			route = this.routes.computeIfAbsent(method, this::plan);
		}
		Object[] args = invocation.getArguments();
		return switch (route.kind) {
			case PASS -> invocation.proceed();
			case KEY -> routeByKey(invocation, route, args[route.index]);
			case ENTITY -> routeEntity(invocation, args[0]);
			case ENTITIES -> routeEntities(invocation, args[0]);
			case ID -> routeById(invocation, args[0]);
			case IDS -> routeByIds(invocation, args[0]);
			case UNKEYED -> routeUnkeyed(invocation, route);
		};
	}

	private Object routeByKey(MethodInvocation invocation, Route route, Object key) throws Throwable {
		if (!(key instanceof Collection<?>) && (key == null || !key.getClass().isArray())) {
			return ShardContext.callOn(this.router.shardFor(route.strategy, key), invocation::proceed);
		}
		Map<Shard, List<Object>> byShard = new LinkedHashMap<>();
		for (Object value : asList(key)) {
			byShard.computeIfAbsent(this.router.shardFor(route.strategy, value), (shard) -> new ArrayList<>()).add(value);
		}
		Method method = invocation.getMethod();
		if (byShard.isEmpty()) {
			return RepositoryResults.merge(method, List.of(), false);
		}
		if (byShard.size() == 1) {
			return ShardContext.callOn(byShard.keySet().iterator().next(), invocation::proceed);
		}
		requireFanOutAllowed(method, route);
		ProxyMethodInvocation proxyInvocation = (ProxyMethodInvocation) invocation;
		Map<Shard, MethodInvocation> calls = new LinkedHashMap<>();
		byShard.forEach((shard, values) -> {
			Object[] args = invocation.getArguments().clone();
			args[route.index] = sameKind(key, values);
			calls.put(shard, proxyInvocation.invocableClone(args));
		});
		List<Object> parts = this.fanOut.execute(RepositoryResults.describe(method), List.copyOf(calls.keySet()),
				(shard) -> calls.get(shard).proceed());
		return RepositoryResults.merge(method, parts, false);
	}

	private Object routeEntity(MethodInvocation invocation, Object entity) throws Throwable {
		Shard shard = (entity != null) ? this.router.shardOf(entity) : null;
		if (shard == null) {
			return proceedOnSelectedShard(invocation, entity);
		}
		return ShardContext.callOn(shard, invocation::proceed);
	}

	private Object routeEntities(MethodInvocation invocation, Object entities) throws Throwable {
		if (!(entities instanceof Iterable<?> iterable)) {
			return invocation.proceed();
		}
		Map<Shard, List<Integer>> positions = new LinkedHashMap<>();
		List<Object> all = new ArrayList<>();
		for (Object entity : iterable) {
			Shard shard = (entity != null) ? this.router.shardOf(entity) : null;
			if (shard == null) {
				return proceedOnSelectedShard(invocation, entity);
			}
			positions.computeIfAbsent(shard, (key) -> new ArrayList<>()).add(all.size());
			all.add(entity);
		}
		if (positions.size() <= 1) {
			return positions.isEmpty() ? invocation.proceed()
					: ShardContext.callOn(positions.keySet().iterator().next(), invocation::proceed);
		}
		// Writes go shard after shard, each in its own transaction; inside one transaction
		// the second shard is refused before anything is written there.
		ProxyMethodInvocation proxyInvocation = (ProxyMethodInvocation) invocation;
		Object[] merged = new Object[all.size()];
		boolean returnsList = false;
		for (Map.Entry<Shard, List<Integer>> group : positions.entrySet()) {
			List<Object> entitiesOfShard = group.getValue().stream().map(all::get).toList();
			MethodInvocation call = proxyInvocation.invocableClone(new Object[] { new ArrayList<>(entitiesOfShard) });
			Object result = ShardContext.callOn(group.getKey(), call::proceed);
			if (result instanceof List<?> saved) {
				returnsList = true;
				for (int i = 0; i < saved.size(); i++) {
					merged[group.getValue().get(i)] = saved.get(i);
				}
			}
		}
		return returnsList ? new ArrayList<>(List.of(merged)) : null;
	}

	private Object routeById(MethodInvocation invocation, Object id) throws Throwable {
		Shard shard = this.shardwiseIds ? this.router.shardOfId(id) : null;
		if (shard != null) {
			return ShardContext.callOn(shard, invocation::proceed);
		}
		if (id == null || ShardContext.currentShard() != null) {
			return invocation.proceed();
		}
		Method method = invocation.getMethod();
		if (method.getName().startsWith("get")) {
			throw new ShardRoutingException(RepositoryResults.describe(method) + "(" + id
					+ ") returns a lazy reference, which needs a Shardwise id or a selected shard");
		}
		return fanOutToAllShards(invocation, Route.PASS_ROUTE, true);
	}

	private Object routeByIds(MethodInvocation invocation, Object ids) throws Throwable {
		if (!(ids instanceof Iterable<?> iterable) || ShardContext.currentShard() != null) {
			return invocation.proceed();
		}
		Map<Shard, List<Object>> byShard = new LinkedHashMap<>();
		for (Object id : iterable) {
			Shard shard = this.shardwiseIds ? this.router.shardOfId(id) : null;
			if (shard == null) {
				// An id that names no shard could be anywhere: ask every shard for all of them.
				return fanOutToAllShards(invocation, Route.PASS_ROUTE, false);
			}
			byShard.computeIfAbsent(shard, (key) -> new ArrayList<>()).add(id);
		}
		if (byShard.isEmpty()) {
			return invocation.proceed();
		}
		ProxyMethodInvocation proxyInvocation = (ProxyMethodInvocation) invocation;
		Map<Shard, MethodInvocation> calls = new LinkedHashMap<>();
		byShard.forEach((shard, idsOfShard) -> calls.put(shard,
				proxyInvocation.invocableClone(new Object[] { new ArrayList<>(idsOfShard) })));
		requireFanOutAllowed(invocation.getMethod(), Route.PASS_ROUTE);
		List<Object> parts = this.fanOut.execute(RepositoryResults.describe(invocation.getMethod()),
				List.copyOf(calls.keySet()), (shard) -> calls.get(shard).proceed());
		return RepositoryResults.merge(invocation.getMethod(), parts, false);
	}

	private Object routeUnkeyed(MethodInvocation invocation, Route route) throws Throwable {
		if (ShardContext.currentShard() != null) {
			return invocation.proceed();
		}
		return fanOutToAllShards(invocation, route, false);
	}

	private Object proceedOnSelectedShard(MethodInvocation invocation, Object entity) throws Throwable {
		if (entity != null && ShardContext.effectiveShard() == null) {
			throw new ShardRoutingException(RepositoryResults.describe(invocation.getMethod()) + " was given a "
					+ entity.getClass().getSimpleName() + ", which has no @ShardKey field, and no shard is selected");
		}
		return invocation.proceed();
	}

	private Object fanOutToAllShards(MethodInvocation invocation, Route route, boolean firstHitWins) {
		Method method = invocation.getMethod();
		requireFanOutAllowed(method, route);
		ProxyMethodInvocation proxyInvocation = (ProxyMethodInvocation) invocation;
		List<Shard> shards = this.router.shards().all();
		Map<Shard, MethodInvocation> calls = new LinkedHashMap<>();
		shards.forEach((shard) -> calls.put(shard, proxyInvocation.invocableClone()));
		List<Object> parts = this.fanOut.execute(RepositoryResults.describe(method), shards,
				(shard) -> calls.get(shard).proceed());
		return RepositoryResults.merge(method, parts, firstHitWins);
	}

	private void requireFanOutAllowed(Method method, Route route) {
		if (route.unmergeable() != null) {
			throw new ShardRoutingException(RepositoryResults.describe(method)
					+ " would run on several shards, but " + route.unmergeable() + "; pass a @ShardKey or select a shard");
		}
		Shard owner = ShardContext.transactionShard();
		if (owner != null) {
			throw new ShardRoutingException(RepositoryResults.describe(method)
					+ " needs several shards, but runs inside a transaction bound to shard '" + owner.id()
					+ "'; pass a @ShardKey or call it outside the transaction");
		}
	}

	private Route plan(Method method) {
		if (method.getDeclaringClass() == Object.class) {
			return Route.PASS_ROUTE;
		}
		MethodParameter[] parameters = new AnnotatedMethod(method).getMethodParameters();
		for (MethodParameter parameter : parameters) {
			ShardKey shardKey = parameter.getParameterAnnotation(ShardKey.class);
			if (shardKey != null) {
				String strategy;
				try {
					strategy = this.router.resolveStrategy(shardKey.strategy());
				}
				catch (ShardRoutingException ex) {
					throw new ShardRoutingException(
							"@ShardKey on " + RepositoryResults.describe(method) + ": " + ex.getMessage(), ex);
				}
				return new Route(Kind.KEY, parameter.getParameterIndex(), strategy,
						RepositoryResults.unmergeableReason(method));
			}
		}
		String name = method.getName();
		int count = method.getParameterCount();
		boolean iterableArgument = count == 1 && Iterable.class.isAssignableFrom(method.getParameterTypes()[0]);
		if (count == 1 && ENTITY_METHODS.contains(name)) {
			return new Route(Kind.ENTITY, 0, null, null);
		}
		if (iterableArgument && ENTITIES_METHODS.contains(name)) {
			return new Route(Kind.ENTITIES, 0, null, null);
		}
		if (count == 1 && ID_METHODS.contains(name)) {
			return new Route(Kind.ID, 0, null, null);
		}
		if (iterableArgument && IDS_METHODS.contains(name)) {
			return new Route(Kind.IDS, 0, null, null);
		}
		return new Route(Kind.UNKEYED, -1, null, RepositoryResults.unmergeableReason(method));
	}

	private static boolean usesShardwiseIds(Class<?> domainType) {
		boolean[] found = new boolean[1];
		ReflectionUtils.doWithFields(domainType, (field) -> found[0] = true,
				(field) -> field.isAnnotationPresent(ShardwiseId.class));
		return found[0];
	}

	private static List<?> asList(Object key) {
		if (key instanceof Collection<?> collection) {
			return new ArrayList<>(collection);
		}
		int length = Array.getLength(key);
		List<Object> values = new ArrayList<>(length);
		for (int i = 0; i < length; i++) {
			values.add(Array.get(key, i));
		}
		return values;
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

	private enum Kind {

		PASS, KEY, ENTITY, ENTITIES, ID, IDS, UNKEYED

	}

	/**
	 * How a method is routed.
	 *
	 * @param kind what decides the shard
	 * @param index the position of the deciding argument
	 * @param strategy the strategy of a {@code @ShardKey} parameter
	 * @param unmergeable why results from several shards cannot be merged, or {@code null}
	 */
	private record Route(Kind kind, int index, String strategy, String unmergeable) {

		static final Route PASS_ROUTE = new Route(Kind.PASS, -1, null, null);

	}

}
