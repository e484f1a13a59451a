package io.shardwise.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.shardwise.routing.Shard;
import io.shardwise.routing.Shards;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Real H2 in-memory shard databases for tests: one database per shard id, each with a
 * unique name, shut down on {@link #close()}.
 */
public final class H2Shards implements AutoCloseable {

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private final Map<String, JdbcDataSource> dataSources;

	private final Shards shards;

	private H2Shards(Map<String, JdbcDataSource> dataSources) {
		this.dataSources = dataSources;
		this.shards = new Shards(dataSources, 0);
	}

	/**
	 * Create one fresh H2 in-memory database per shard id, in the given order.
	 * @param ids the shard ids
	 * @return the shards
	 */
	public static H2Shards create(String... ids) {
		Map<String, JdbcDataSource> dataSources = new LinkedHashMap<>();
		for (String id : ids) {
			JdbcDataSource dataSource = new JdbcDataSource();
			dataSource.setURL("jdbc:h2:mem:shardwise-" + id + "-" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
			dataSource.setUser("sa");
			dataSources.put(id, dataSource);
		}
		return new H2Shards(dataSources);
	}

	public Shards shards() {
		return this.shards;
	}

	public Shard shard(String id) {
		return this.shards.get(id);
	}

	public DataSource dataSource(String id) {
		return this.dataSources.get(id);
	}

	/**
	 * Run a statement on every shard database, directly (not through routing).
	 * @param sql the statement
	 */
	public void executeOnEach(String sql) {
		this.dataSources.values().forEach((dataSource) -> new JdbcTemplate(dataSource).execute(sql));
	}

	@Override
	public void close() throws Exception {
		executeOnEach("SHUTDOWN");
		this.shards.close();
	}

}
