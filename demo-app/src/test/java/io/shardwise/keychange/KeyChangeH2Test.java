package io.shardwise.keychange;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The key-change tests on three in-memory H2 shards.
 */
@SpringBootTest(classes = KeyChangeApplication.class, properties = "spring.config.name=keychange")
class KeyChangeH2Test extends KeyChangeTests {

}
