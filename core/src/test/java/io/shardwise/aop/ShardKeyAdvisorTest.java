package io.shardwise.aop;

import java.util.function.BiPredicate;

import io.shardwise.annotation.ShardKey;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.AopUtils;

import static org.assertj.core.api.Assertions.assertThat;

class ShardKeyAdvisorTest {

	private final ShardKeyAdvisor advisor = new ShardKeyAdvisor(new ShardKeyMethodInterceptor(() -> null));

	@Test
	void appliesToBeansWithAShardKeyParameter() {
		assertThat(AopUtils.canApply((Advisor) this.advisor, KeyedService.class)).isTrue();
	}

	@Test
	void skipsJdkClassesWhosePrivateMethodsCannotBeMadeAccessible() {
		// Such a composed predicate is a bean in applications with Micrometer observation.
		BiPredicate<Object, Object> composed = ((BiPredicate<Object, Object>) (a, b) -> true).or((a, b) -> false);
		assertThat(AopUtils.canApply((Advisor) this.advisor, composed.getClass())).isFalse();
	}

	static class KeyedService {

		public void run(@ShardKey String key) {
		}

	}

}
