package io.shardwise.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import javax.sql.DataSource;

import io.shardwise.id.NodeLease;
import io.shardwise.id.ShardIds;
import org.springframework.util.Assert;

/**
 * The configured shards, ordered by their indexes. Closing it closes every shard's
 * DataSource that is {@link AutoCloseable} (connection pools).
 */
public final class Shards implements AutoCloseable {

	private final List<Shard> all;

	private final Map<String, Shard> byId;

	private final Shard[] byIndex;

	private final NodeLease nodeLease;

	private final ShardAvailability availability = new ShardAvailability();

	/**
	 * Create the shard set, numbering the shards in the order of the map.
	 * @param dataSources each shard's DataSource by shard id
	 * @param node this application instance's node number for {@link ShardIds}
	 */
	public Shards(Map<String, ? extends DataSource> dataSources, int node) {
		this(dataSources, positions(dataSources), node);
	}

	/**
	 * Create the shard set.
	 * @param dataSources each shard's DataSource by shard id
	 * @param indexes each shard's index, unique, from 0 to {@link ShardIds#MAX_SHARDS} - 1:
	 * the number its global ids carry and its place in the order of the shards
	 * @param node this application instance's node number for {@link ShardIds}
	 */
	public Shards(Map<String, ? extends DataSource> dataSources, Map<String, Integer> indexes, int node) {
		this(dataSources, indexes, (size) -> new ShardIds(size, node), null);
	}

	/**
	 * Create the shard set, with a leased node number. Closing the shards closes the
	 * lease first (releasing the node), then the pools.
	 * @param dataSources each shard's DataSource by shard id
	 * @param indexes each shard's index, unique, from 0 to {@link ShardIds#MAX_SHARDS} - 1:
	 * the number its global ids carry and its place in the order of the shards
	 * @param nodeLease this application instance's node lease, started by the caller
	 * once the database that holds it is ready
	 */
	public Shards(Map<String, ? extends DataSource> dataSources, Map<String, Integer> indexes, NodeLease nodeLease) {
		this(dataSources, indexes, (size) -> new ShardIds(size, nodeLease), nodeLease);
	}

	private Shards(Map<String, ? extends DataSource> dataSources, Map<String, Integer> indexes,
			IntFunction<ShardIds> idsOfSize, NodeLease nodeLease) {
		Assert.notEmpty(dataSources, "At least one shard is required");
		Assert.isTrue(indexes.keySet().equals(dataSources.keySet()), "Every shard needs exactly one index");
		int size = indexes.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
		ShardIds ids = idsOfSize.apply(size);
		this.nodeLease = nodeLease;
		this.byIndex = new Shard[size];
		Map<String, Shard> map = new HashMap<>();
		dataSources.forEach((id, dataSource) -> {
			int index = indexes.get(id);
			Assert.isTrue(this.byIndex[index] == null, () -> "Shards '" + id + "' and '" + this.byIndex[index].id()
					+ "' have the same index " + index);
			Shard shard = new Shard(id, index, dataSource, ids);
			this.byIndex[index] = shard;
			map.put(id, shard);
		});
		List<Shard> list = new ArrayList<>();
		for (Shard shard : this.byIndex) {
			if (shard != null) {
				list.add(shard);
			}
		}
		this.all = Collections.unmodifiableList(list);
		this.byId = map;
	}

	private static Map<String, Integer> positions(Map<String, ?> dataSources) {
		Map<String, Integer> positions = new HashMap<>();
		dataSources.keySet().forEach((id) -> positions.put(id, positions.size()));
		return positions;
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
	 * @param index a shard index
	 * @return the shard or {@code null}
	 */
	public Shard at(int index) {
		return (index >= 0 && index < this.byIndex.length) ? this.byIndex[index] : null;
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
	 * Return every shard, in the order of their indexes.
	 * @return the shards
	 */
	public List<Shard> all() {
		return this.all;
	}

	/**
	 * Return every shard id, in the order of the shards' indexes.
	 * @return the ids
	 */
	public List<String> ids() {
		return this.all.stream().map(Shard::id).toList();
	}

	public int size() {
		return this.all.size();
	}

	/**
	 * Return which shards are held out of service (after a degraded start).
	 * @return the availability of the shards
	 */
	public ShardAvailability availability() {
		return this.availability;
	}

	/**
	 * Return this instance's id node lease.
	 * @return the lease, or {@code null} if the node number is fixed without one
	 */
	public NodeLease nodeLease() {
		return this.nodeLease;
	}

	@Override
	public void close() throws Exception {
		if (this.nodeLease != null) {
			// Release the node while the pools are still open.
			this.nodeLease.close();
		}
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
