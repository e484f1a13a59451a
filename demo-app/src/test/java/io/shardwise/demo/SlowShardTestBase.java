package io.shardwise.demo;

import java.sql.SQLException;
import java.util.List;

import io.shardwise.jdbc.ShardedJdbcTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Four H2 shards holding the measurements, with a shard that can be made slow: the
 * common part of the deadline tests under each failure policy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SlowShardTestBase {

	final NamedShardDatabases databases;

	@Autowired
	MeasurementQueries queries;

	@Autowired
	MeasurementRepository repository;

	@Autowired
	ShardedJdbcTemplate sharded;

	List<Measurement> rows;

	SlowShardTestBase(String databasePrefix) {
		this.databases = new NamedShardDatabases(databasePrefix);
	}

	@BeforeAll
	void prepare() throws SQLException {
		this.rows = SlowShards.prepare(this.databases, this.repository, this.queries);
	}

	@AfterEach
	void noDelay() throws SQLException {
		SlowShards.delay(this.databases, "europe", 0);
	}

}
