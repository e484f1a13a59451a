package io.shardwise.demo;

import org.springframework.boot.SpringApplication;

/**
 * Starts the demo on four PostgreSQL containers (Docker required):
 * {@code ./mvnw -pl demo-app -am spring-boot:test-run}.
 */
public class TestDemoApplication {

	public static void main(String[] args) {
		SpringApplication.from(DemoApplication::main)
			.with(PostgresContainersConfiguration.class)
			.withAdditionalProfiles("postgres")
			.run(args);
	}

}
