package io.shardwise.demo;

import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@link GroupedQueryTests} on four H2 shards, against one H2 database holding every row
 * ({@value PropertyShards#TRUTH}).
 */
@PropertyShards
class H2GroupedQueryTest extends GroupedQueryTests {

	@Autowired
	MeasurementRepository repository;

	@Override
	void load() throws Exception {
		PropertyShards.Loader.load(this.repository);
	}

	@Override
	List<List<Object>> truth(String sql, Object... args) throws Exception {
		return NamedShardDatabases.rows(PropertyShards.TRUTH, sql, args);
	}

}
