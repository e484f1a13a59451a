package io.shardwise.aop;

import java.lang.reflect.Array;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.shardwise.annotation.ShardKey;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedMethod;

/**
 * Runs a bean method that has a {@link ShardKey} parameter with the key's shard
 * selected, so that everything the method does, including the transaction a
 * {@code @Transactional} on it opens, happens on that shard. A collection key's values
 * must all map to one shard.
 */
public class ShardKeyMethodInterceptor implements MethodInterceptor {

	private final Supplier<ShardRouter> router;

	private final Map<MethodClassKey, KeyParameter> keyParameters = new ConcurrentHashMap<>();

	/**
	 * Create the interceptor.
	 * @param router supplies the router; called on first use, so that creating this
	 * interceptor early (as advice is) does not create the shards early
	 */
	public ShardKeyMethodInterceptor(Supplier<ShardRouter> router) {
		this.router = router;
	}

	/**
	 * Check that every {@code @ShardKey} parameter seen so far names a configured
	 * strategy; called once the application's beans exist, so that a typo fails startup.
	 * @throws ShardRoutingException naming the method and the strategy
	 */
	public void validate() {
		this.keyParameters.forEach((method, key) -> {
			if (key != KeyParameter.NONE) {
				try {
					this.router.get().resolveStrategy(key.strategy());
				}
				catch (ShardRoutingException ex) {
					throw new ShardRoutingException("@ShardKey on " + key.method() + ": " + ex.getMessage(), ex);
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
		return ShardContext.callOn(shardOf(key, value), invocation::proceed);
	}

	private Shard shardOf(KeyParameter key, Object value) {
		ShardRouter router = this.router.get();
		if (!(value instanceof Collection<?>) && (value == null || !value.getClass().isArray())) {
			return router.shardFor(key.strategy(), value);
		}
		Shard shard = null;
		for (Object element : asList(value)) {
			Shard next = router.shardFor(key.strategy(), element);
			if (shard != null && !shard.id().equals(next.id())) {
				throw new ShardRoutingException("@ShardKey values of " + key.method() + " map to shards '" + shard.id()
						+ "' and '" + next.id() + "'; a service method runs on one shard");
			}
			shard = next;
		}
		if (shard == null) {
			throw new ShardRoutingException("@ShardKey collection of " + key.method() + " is empty, so it names no shard");
		}
		return shard;
	}

	/**
	 * Return the {@code @ShardKey} parameter of a method as implemented by a class,
	 * looking at the class's method and the interface methods it implements.
	 * @param method the invoked method
	 * @param targetClass the class of the bean
	 * @return the key parameter, or {@code null} if the method has none
	 */
	KeyParameter keyParameter(Method method, Class<?> targetClass) {
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		KeyParameter key = this.keyParameters.get(cacheKey);
		if (key == null) {
			key = this.keyParameters.computeIfAbsent(cacheKey,
					(k) -> find(AopUtils.getMostSpecificMethod(method, targetClass)));
		}
		return (key != KeyParameter.NONE) ? key : null;
	}

	private KeyParameter find(Method method) {
		// Proxies cannot advise private methods.
		if (method.getParameterCount() == 0 || method.getDeclaringClass() == Object.class
				|| Modifier.isPrivate(method.getModifiers())) {
			return KeyParameter.NONE;
		}
		AnnotatedMethod annotated;
		try {
			annotated = new AnnotatedMethod(method);
		}
		catch (InaccessibleObjectException ex) {
			// A class of a module that does not open its package to us, such as a lambda of
			// java.util.function (Micrometer registers composed predicates as beans): a
			// proxy could not invoke the method either, so it carries no shard key for us.
			return KeyParameter.NONE;
		}
		for (MethodParameter parameter : annotated.getMethodParameters()) {
			ShardKey shardKey = parameter.getParameterAnnotation(ShardKey.class);
			if (shardKey != null) {
				return new KeyParameter(parameter.getParameterIndex(), shardKey.strategy(),
						method.getDeclaringClass().getSimpleName() + "." + method.getName());
			}
		}
		return KeyParameter.NONE;
	}

	private static List<?> asList(Object value) {
		if (value instanceof Collection<?> collection) {
			return new ArrayList<>(collection);
		}
		List<Object> values = new ArrayList<>();
		for (int i = 0; i < Array.getLength(value); i++) {
			values.add(Array.get(value, i));
		}
		return values;
	}

	record KeyParameter(int index, String strategy, String method) {

		static final KeyParameter NONE = new KeyParameter(-1, null, null);

	}

}
