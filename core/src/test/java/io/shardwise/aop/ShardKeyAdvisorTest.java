package io.shardwise.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.function.BiPredicate;

import io.shardwise.annotation.ShardKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which bean methods the {@code @ShardKey} advisor matches.
 */
class ShardKeyAdvisorTest {

	private final ShardKeyAdvisor advisor = new ShardKeyAdvisor(new ShardKeyMethodInterceptor(() -> null, () -> null));

	@Test
	void matchesAPublicMethodWithAShardKeyParameter() throws Exception {
		Method method = Service.class.getMethod("find", String.class);
		assertThat(this.advisor.matches(method, Service.class)).isTrue();
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

	public static class Service {

		public String find(@ShardKey String continent) {
			return continent;
		}

	}

}
