package io.shardwise.routing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which shards are held out of service: shards that could not be reached when the
 * application started in degraded mode, until they are back and migrated. A call
 * routed to such a shard fails at once with a {@link ShardUnavailableException},
 * without waiting for its pool. Shards that fail later stay in service: their pools
 * report them unavailable, and recover on their own.
 */
public final class ShardAvailability {

	// Copied on write: read on every connection, written only at startup and rejoin.
	private volatile Map<String, String> outOfService = Map.of();

	/**
	 * Hold a shard out of service.
	 * @param shard the shard id
	 * @param reason why, for the exceptions and the health check
	 */
	public synchronized void holdOut(String shard, String reason) {
		Map<String, String> updated = new LinkedHashMap<>(this.outOfService);
		updated.put(shard, reason);
		this.outOfService = Map.copyOf(updated);
	}

	/**
	 * Put a shard back into service.
	 * @param shard the shard id
	 */
	public synchronized void readmit(String shard) {
		Map<String, String> updated = new LinkedHashMap<>(this.outOfService);
		updated.remove(shard);
		this.outOfService = Map.copyOf(updated);
	}

	/**
	 * Return why a shard is out of service.
	 * @param shard the shard id
	 * @return the reason, or {@code null} if the shard is in service
	 */
	public String reasonOutOfService(String shard) {
		Map<String, String> out = this.outOfService;
		return out.isEmpty() ? null : out.get(shard);
	}

	/**
	 * Return whether a shard is in service.
	 * @param shard the shard id
	 * @return whether calls may reach it
	 */
	public boolean isInService(String shard) {
		return reasonOutOfService(shard) == null;
	}

	/**
	 * Return the shards out of service and why.
	 * @return the reasons by shard id
	 */
	public Map<String, String> outOfService() {
		return this.outOfService;
	}

	/**
	 * Fail if a shard is out of service.
	 * @param shard the shard
	 * @throws ShardUnavailableException if it is
	 */
	void checkInService(Shard shard) {
		String reason = reasonOutOfService(shard.id());
		if (reason != null) {
			throw new ShardUnavailableException(shard.id(), reason, null);
		}
	}

}
