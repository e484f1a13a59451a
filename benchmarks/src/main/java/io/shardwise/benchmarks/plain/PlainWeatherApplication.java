package io.shardwise.benchmarks.plain;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The baseline side of the JPA benchmark pairs: the same weather entities and repository
 * in an ordinary single-DataSource application, started with
 * {@code shardwise.enabled=false}.
 */
@SpringBootApplication
public class PlainWeatherApplication {

}
