package io.shardwise.routing;

import javax.sql.DataSource;

import io.shardwise.id.ShardIds;

/**
 * One shard: its id, its position in the configuration (which global ids encode), the
 * DataSource of its own database and the id generator that names it.
 *
 * @param id the shard id, as configured under {@code shardwise.shards.<id>}
 * @param index the shard's index: the number its global ids carry, and its place in the order of the shards
 * @param dataSource the shard's own DataSource (its connection pool)
 * @param ids the id generator shared by all shards of the application
 */
public record Shard(String id, int index, DataSource dataSource, ShardIds ids) {

	/**
	 * Return a new global id that names this shard.
	 * @return a new id
	 */
	public long nextId() {
		return this.ids.next(this.index);
	}

	@Override
	public String toString() {
		return this.id;
	}

}
