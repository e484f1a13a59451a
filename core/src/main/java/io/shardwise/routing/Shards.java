package io.shardwise.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.shardwise.id.ShardIds;
import org.springframework.util.Assert;

/**
 * The configured shards, in declaration order. Closing it closes every shard's
 * DataSource that is {@link AutoCloseable} (connection pools).
 */
public final class Shards implements AutoCloseable {

	private final List<Shard> all;

	private final Map<String, Shard> byId;

	/**
	 * Create the shard set.
	 * @param dataSources each shard's DataSource by shard id, in declaration order
	 * @param node this application instance's node number for {@link ShardIds}
	 */
	public Shards(Map<String, ? extends DataSource> dataSources, int node) {
		Assert.notEmpty(dataSources, "At least one shard is required");
		ShardIds ids = new ShardIds(dataSources.size(), node);
		List<Shard> list = new ArrayList<>(dataSources.size());
		Map<String, Shard> map = new HashMap<>();
		dataSources.forEach((id, dataSource) -> {
			Shard shard = new Shard(id, list.size(), dataSource, ids);
			list.add(shard);
			map.put(id, shard);
		});
		this.all = Collections.unmodifiableList(list);
		this.byId = map;
	}

	/**
	 * Return the shard with the given id.
	 * @param id a shard id
	 * @return the shard
	 * @throws ShardRoutingException if no shard has that id
	 */
	public Shard get(String id) {
		Shard shard = this.byId.get(id);
		if (shard == null) {
			throw new ShardRoutingException("Unknown shard '" + id + "'; configured shards are " + ids());
		}
		return shard;
	}

	/**
	 * Return the shard at the given position, or {@code null} if there is none.
	 * @param index a position in declaration order
	 * @return the shard or {@code null}
	 */
	public Shard at(int index) {
		return (index >= 0 && index < this.all.size()) ? this.all.get(index) : null;
	}

	/**
	 * Return whether a shard has the given id.
	 * @param id a shard id
	 * @return whether it is configured
	 */
	public boolean contains(String id) {
		return this.byId.containsKey(id);
	}

	/**
	 * Return every shard, in declaration order.
	 * @return the shards
	 */
	public List<Shard> all() {
		return this.all;
	}

	/**
	 * Return every shard id, in declaration order.
	 * @return the ids
	 */
	public List<String> ids() {
		return this.all.stream().map(Shard::id).toList();
	}

	public int size() {
		return this.all.size();
	}

	@Override
	public void close() throws Exception {
		Exception failure = null;
		for (Shard shard : this.all) {
			if (shard.dataSource() instanceof AutoCloseable closeable) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					failure = ex;
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "Shards" + ids();
	}

}
