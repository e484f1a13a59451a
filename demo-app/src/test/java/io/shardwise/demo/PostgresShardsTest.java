package io.shardwise.demo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * Runs the demo with its {@code postgres} profile on four real PostgreSQL servers
 * ({@link EmbeddedPostgresShards}), in the database named by
 * {@code demo.test.postgres.database} (default {@code weather}). Classes with this
 * annotation and the same properties share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(EmbeddedPostgresShards.StopAfterAllTests.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = EmbeddedPostgresInitializer.class)
@Import({ EmbeddedPostgresShardsConfiguration.class, FanOutCounter.class })
@interface PostgresShardsTest {

}
