package io.shardwise.jdbcdemo;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The Spring Data JDBC application on four in-memory H2 shards. Spring Data JDBC quotes
 * table and column names, which H2 then takes case-sensitively, so the shards'
 * identifiers are case-insensitive (as PostgreSQL's unquoted lower-case names already
 * match the quoted ones).
 */
@SpringBootTest(classes = JdbcDemoApplication.class,
		properties = { "shardwise.migration.locations=classpath:db/jdbcdemo",
				"shardwise.shards[north_america].url=jdbc:h2:mem:jdbcdemo_north_america;DB_CLOSE_DELAY=-1;CASE_INSENSITIVE_IDENTIFIERS=TRUE",
				"shardwise.shards[asia].url=jdbc:h2:mem:jdbcdemo_asia;DB_CLOSE_DELAY=-1;CASE_INSENSITIVE_IDENTIFIERS=TRUE",
				"shardwise.shards[europe].url=jdbc:h2:mem:jdbcdemo_europe;DB_CLOSE_DELAY=-1;CASE_INSENSITIVE_IDENTIFIERS=TRUE",
				"shardwise.shards[south_america].url=jdbc:h2:mem:jdbcdemo_south_america;DB_CLOSE_DELAY=-1;CASE_INSENSITIVE_IDENTIFIERS=TRUE" })
class H2JdbcDemoTest extends JdbcRepositoryTests {

}
