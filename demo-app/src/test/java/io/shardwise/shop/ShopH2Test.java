package io.shardwise.shop;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The shop on three in-memory H2 shards.
 */
@SpringBootTest(classes = ShopApplication.class, properties = "spring.config.name=shop")
class ShopH2Test extends ShopTests {

}
