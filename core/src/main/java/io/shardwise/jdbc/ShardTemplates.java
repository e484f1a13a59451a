package io.shardwise.jdbc;

import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRoutingDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One {@code JdbcTemplate} per shard on that shard's own DataSource
 * ({@link ShardRoutingDataSource#forShard(Shard)}), for the parts of a fan-out that run
 * outside a transaction: their statements know their shard, so they need neither the
 * routing DataSource's lookup nor the lazy connection proxy in front of it (a JDK proxy
 * per connection, which is there so that a transaction can begin before its shard is
 * chosen).
 */
final class ShardTemplates {

	private final ShardRoutingDataSource routing;

	private final ConcurrentHashMap<String, JdbcTemplate> templates = new ConcurrentHashMap<>();

	private ShardTemplates(ShardRoutingDataSource routing) {
		this.routing = routing;
	}

	/**
	 * Return the templates of the shards behind a DataSource.
	 * @param dataSource the application's DataSource
	 * @return the templates, or {@code null} if the DataSource is not Shardwise's routing
	 * DataSource (or a wrapper of it)
	 */
	static ShardTemplates of(DataSource dataSource) {
		try {
			return dataSource.isWrapperFor(ShardRoutingDataSource.class)
					? new ShardTemplates(dataSource.unwrap(ShardRoutingDataSource.class)) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

	/**
	 * Return the template of a shard.
	 * @param shard the shard
	 * @return its template
	 */
	JdbcTemplate of(Shard shard) {
		JdbcTemplate template = this.templates.get(shard.id());
		if (template == null) {
			template = this.templates.computeIfAbsent(shard.id(),
					(id) -> new JdbcTemplate(this.routing.forShard(shard)));
		}
		return template;
	}

}
