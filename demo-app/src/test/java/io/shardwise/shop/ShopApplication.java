package io.shardwise.shop;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

/**
 * A second application, of another domain than the demo, written as a newcomer would:
 * customers, their orders and the orders' lines, with LAZY {@code @ManyToOne} shard keys,
 * per-database identity ids on the lines and Spring Boot's default
 * {@code JpaTransactionManager}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan
public class ShopApplication {

}
