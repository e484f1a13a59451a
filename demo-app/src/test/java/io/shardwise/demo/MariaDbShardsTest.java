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
 * Runs the demo with its {@code mariadb} profile on four real MariaDB servers
 * ({@link MariaDbShards}), in the database named by {@code demo.test.mariadb.database}
 * (default {@code weather}). Classes with this annotation and the same properties share
 * one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(MariaDbShards.StopAfterAllTests.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mariadb")
@ContextConfiguration(initializers = MariaDbInitializer.class)
@Import({ MariaDbShardsConfiguration.class, FanOutCounter.class })
@interface MariaDbShardsTest {

}
