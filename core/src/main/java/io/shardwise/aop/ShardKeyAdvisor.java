package io.shardwise.aop;

import java.lang.reflect.Method;

import org.springframework.aop.support.StaticMethodMatcherPointcutAdvisor;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.Ordered;
import org.springframework.data.repository.Repository;

/**
 * Applies {@link ShardKeyMethodInterceptor} to every bean method with a
 * {@code @ShardKey} parameter, ordered ahead of transaction advice so that the shard is
 * chosen before a transaction opens. Spring Data repositories are left to
 * {@link io.shardwise.repository.ShardRepositoryInterceptor}.
 */
public class ShardKeyAdvisor extends StaticMethodMatcherPointcutAdvisor implements SmartInitializingSingleton {

	/**
	 * Order of the advice: ahead of transaction advice, which defaults to lowest
	 * precedence.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final transient ShardKeyMethodInterceptor interceptor;

	public ShardKeyAdvisor(ShardKeyMethodInterceptor interceptor) {
		super(interceptor);
		this.interceptor = interceptor;
		setOrder(ORDER);
		setClassFilter((type) -> !Repository.class.isAssignableFrom(type));
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.interceptor.validate();
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		return this.interceptor.keyParameter(method, targetClass) != null;
	}

}
