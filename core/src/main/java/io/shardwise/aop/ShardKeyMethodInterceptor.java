package io.shardwise.aop;

import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;


import io.shardwise.annotation.ShardKey;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedMethod;

/**
 * Runs a bean method that has a {@link ShardKey} parameter with the key's shard
 * selected, so that everything the method does, including the transaction a
 * {@code @Transactional} on it opens, happens on that shard. A collection key's values
 * must all map to one shard.
 */
public class ShardKeyMethodInterceptor implements MethodInterceptor {

	private final Supplier<ShardRouter> router;

	private final Supplier<FanOutExecutor> executor;

	private final Map<MethodClassKey, KeyParameter> keyParameters = new ConcurrentHashMap<>();

	private final Map<Method, ClassKeyParameter> byMethod = new ConcurrentHashMap<>();

	/**
	 * Create the interceptor. The collaborators are looked up on first use, so that
	 * creating this interceptor early (as advice is) does not create the shards early.
	 * @param router supplies the router
	 * @param executor supplies the executor that runs (and observes) shard calls
	 */
	public ShardKeyMethodInterceptor(Supplier<ShardRouter> router, Supplier<FanOutExecutor> executor) {
		this.router = router;
		this.executor = executor;
	}

	/**
	 * Check that every {@code @ShardKey} parameter seen so far names a configured
	 * strategy; called once the application's beans exist, so that a typo fails startup.
	 * @throws ShardRoutingException naming the method and the strategy
	 */
	public void validate() {
		this.keyParameters.forEach((method, key) -> {
			if (key != KeyParameter.NONE) {
				ShardRouter router = this.router.get();
				if (!router.validateKeyType(key.type(), key.elementType(), key.method())) {
					try {
						router.resolveStrategy(key.strategy());
					}
					catch (ShardRoutingException ex) {
						throw new ShardRoutingException("@ShardKey on " + key.method() + ": " + ex.getMessage(), ex);
					}
				}
			}
		});
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		KeyParameter key = keyParameter(invocation.getMethod(),
				(target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass());
		if (key == null) {
			return invocation.proceed();
		}
		Object value = invocation.getArguments()[key.index()];
		return this.executor.get().run(ShardCallKind.ROUTED, key.method(), shardOf(key, value), invocation::proceed);
	}

	private Shard shardOf(KeyParameter key, Object value) {
		Shard shard = shardOfValue(key, value);
		Shard pinned = ShardContext.pinnedShard();
		if (pinned != null && !pinned.equals(shard)) {
			throw new ShardRoutingException(key.method() + " is keyed to shard '" + shard.id() + "' (key [" + value
					+ "]) but runs inside ShardTemplate on shard '" + pinned.id()
					+ "'; an explicit shard wins and a keyed call may not leave it");
		}
		return shard;
	}

	private Shard shardOfValue(KeyParameter key, Object value) {
		ShardRouter router = this.router.get();
		if (!ShardRouter.isMultiValued(value)) {
			return router.shardFor(key.strategy(), value);
		}
		Map<Shard, List<Object>> byShard = router.groupByShard(key.strategy(), value);
		if (byShard.size() != 1) {
			throw new ShardRoutingException("@ShardKey values of " + key.method() + " map to "
					+ (byShard.isEmpty() ? "no shard (the collection is empty)" : "shards " + byShard.keySet())
					+ "; a service method runs on exactly one shard");
		}
		return byShard.keySet().iterator().next();
	}

	/**
	 * Return the {@code @ShardKey} parameter of a method as implemented by a class,
	 * looking at the class's method and the interface methods it implements.
	 * @param method the invoked method
	 * @param targetClass the class of the bean
	 * @return the key parameter, or {@code null} if the method has none
	 */
	KeyParameter keyParameter(Method method, Class<?> targetClass) {
		// Fast path without allocation: a method is nearly always invoked on one bean class.
		ClassKeyParameter known = this.byMethod.get(method);
		if (known != null && known.targetClass() == targetClass) {
			return (known.key() != KeyParameter.NONE) ? known.key() : null;
		}
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		KeyParameter key = this.keyParameters.get(cacheKey);
		if (key == null) {
			key = this.keyParameters.computeIfAbsent(cacheKey,
					(k) -> find(AopUtils.getMostSpecificMethod(method, targetClass)));
		}
		if (known == null) {
			this.byMethod.putIfAbsent(method, new ClassKeyParameter(targetClass, key));
		}
		return (key != KeyParameter.NONE) ? key : null;
	}

	private KeyParameter find(Method method) {
		// JDK methods cannot carry @ShardKey, and private or static methods are never
		// proxied; inspecting them would make them accessible, which the module system
		// refuses for non-public JDK members (such as lambdas of java.util.function).
		if (method.getParameterCount() == 0 || method.getDeclaringClass().getName().startsWith("java.")
				|| Modifier.isPrivate(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
			return KeyParameter.NONE;
		}
		AnnotatedMethod annotated;
		try {
			annotated = new AnnotatedMethod(method);
		}
		catch (InaccessibleObjectException ex) {
			return KeyParameter.NONE;
		}
		for (MethodParameter parameter : annotated.getMethodParameters()) {
			ShardKey shardKey = parameter.getParameterAnnotation(ShardKey.class);
			if (shardKey != null) {
				ResolvableType type = ResolvableType.forMethodParameter(parameter);
				return new KeyParameter(parameter.getParameterIndex(), shardKey.strategy(),
						method.getDeclaringClass().getSimpleName() + "." + method.getName(), type.resolve(Object.class),
						type.asCollection().resolveGeneric(0));
			}
		}
		return KeyParameter.NONE;
	}

	/** The key parameter of a method for the first bean class it was invoked on. */
	private record ClassKeyParameter(Class<?> targetClass, KeyParameter key) {
	}

	record KeyParameter(int index, String strategy, String method, Class<?> type, Class<?> elementType) {

		static final KeyParameter NONE = new KeyParameter(-1, null, null, null, null);

	}

}
