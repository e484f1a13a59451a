package io.shardwise.demo;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Replaces the demo's SeedData runner (bean {@code seedData}) with a no-op, for contexts
 * where its unkeyed {@code count()} cannot run: {@code shardwise.fan-out.allowed=false},
 * or a short fan-out deadline that a cold start can miss. Needs
 * {@code spring.main.allow-bean-definition-overriding=true}.
 */
@TestConfiguration(proxyBeanMethods = false)
class NoSeedData {

	@Bean
	ApplicationRunner seedData() {
		return (args) -> {
		};
	}

}
