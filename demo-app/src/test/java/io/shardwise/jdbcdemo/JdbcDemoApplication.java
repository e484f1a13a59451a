package io.shardwise.jdbcdemo;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small application on Spring Data JDBC (weather stations and their readings) with a
 * JPA entity beside it, on the demo's four continent shards.
 */
@SpringBootApplication
public class JdbcDemoApplication {

}
