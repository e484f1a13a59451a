package io.shardwise.keychange;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

/**
 * A small application whose tests change entities' {@code @ShardKey}s: tenants keyed by
 * region, invoices keyed by their LAZY tenant, notes with per-database identity ids.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan
public class KeyChangeApplication {

}
