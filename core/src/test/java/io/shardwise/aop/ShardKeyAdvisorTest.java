package io.shardwise.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import io.shardwise.annotation.ShardKey;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.strategy.LookupShardStrategy;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ShardKeyAdvisorTest {

	private H2Shards h2;

	private FanOutExecutor executor;

	private ShardKeyAdvisor advisor;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b");
		ShardRouter router = new ShardRouter(this.h2.shards(),
				Map.of("letters", new LookupShardStrategy("letters", Map.of("x", "a", "y", "b"))), "letters");
		this.executor = new FanOutExecutor(2);
		this.advisor = new ShardKeyAdvisor(new ShardKeyMethodInterceptor(() -> router, () -> this.executor));
	}

	@AfterEach
	void tearDown() throws Exception {
		this.executor.close();
		this.h2.close();
	}

	@Test
	void keyAnnotatedOnTheInterfaceRoutesTheImplementation() {
		assertThat(AopUtils.canApply((org.springframework.aop.Advisor) this.advisor, GreeterImpl.class)).isTrue();
		Greeter greeter = proxy(new GreeterImpl(), Greeter.class);
		assertThat(greeter.shardOf("y")).isEqualTo("b");
		assertThat(greeter.shardOf("x")).isEqualTo("a");
		assertThat(greeter.shardsOf(List.of("y", "y"))).isEqualTo("b");
		assertThat(ShardContext.currentShardId()).isNull();
	}

	@Test
	void valuesOfSeveralShardsAreRefusedForAServiceMethod() {
		Greeter greeter = proxy(new GreeterImpl(), Greeter.class);
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> greeter.shardsOf(List.of("x", "y")))
			.withMessageContaining("exactly one shard");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> greeter.shardsOf(List.of()))
			.withMessageContaining("empty");
	}

	@Test
	void beanExtendingAJdkClassIsInspectedWithoutTouchingJdkMethods() {
		// ArrayList's protected removeRange(int, int) must not be made accessible.
		assertThat(AopUtils.canApply((org.springframework.aop.Advisor) this.advisor, Names.class)).isFalse();
	}

	@Test
	void composedJdkLambdaIsInspectedWithoutTouchingItsMethods() {
		// Micrometer's observation filters are such predicates, registered as beans.
		BiPredicate<Object, Object> composed = ((BiPredicate<Object, Object>) (a, b) -> true).or((a, b) -> false);
		assertThat(AopUtils.canApply((org.springframework.aop.Advisor) this.advisor, composed.getClass())).isFalse();
	}

	@Test
	void unknownStrategyFailsValidation() {
		assertThat(AopUtils.canApply((org.springframework.aop.Advisor) this.advisor, TypoImpl.class)).isTrue();
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(this.advisor::afterSingletonsInstantiated)
			.withMessageContaining("TypoImpl.find")
			.withMessageContaining("'nope'");
	}

	@Test
	void matchesAPublicMethodWithAShardKeyParameter() throws Exception {
		assertThat(this.advisor.matches(TypoImpl.class.getMethod("find", String.class), TypoImpl.class)).isTrue();
	}

	@Test
	void skipsTheLambdaMethodsOfJdkInterfacesThatRefuseReflectiveAccess() {
		// Beans such as Spring Boot's observation filters are JDK lambdas (BiPredicate.or);
		// java.base does not open their private lambda methods to reflection.
		Method[] lambdas = Arrays.stream(BiPredicate.class.getDeclaredMethods())
			.filter((method) -> Modifier.isPrivate(method.getModifiers()) && method.getParameterCount() > 0)
			.toArray(Method[]::new);
		assertThat(lambdas).isNotEmpty();
		for (Method lambda : lambdas) {
			assertThat(this.advisor.matches(lambda, BiPredicate.class)).isFalse();
		}
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(Object target, Class<T> type) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.addAdvisor(this.advisor);
		return (T) factory.getProxy();
	}

	interface Greeter {

		String shardOf(@ShardKey String key);

		String shardsOf(@ShardKey List<String> keys);

	}

	static class GreeterImpl implements Greeter {

		@Override
		public String shardOf(String key) {
			return ShardContext.currentShardId();
		}

		@Override
		public String shardsOf(List<String> keys) {
			return ShardContext.currentShardId();
		}

	}

	static class Names extends ArrayList<String> {

		private static final long serialVersionUID = 1L;

	}

	static class TypoImpl {

		public String find(@ShardKey(strategy = "nope") String key) {
			return key;
		}

	}

}
