package io.shardwise.routing;

import org.springframework.dao.InvalidDataAccessApiUsageException;

/**
 * Thrown when a call cannot be routed to a shard: no shard is selected, a key is
 * missing or maps nowhere, a keyed call leaves the shard {@code ShardTemplate} pinned, or
 * a transaction would write to a second shard. Thrown before any statement of the
 * offending call runs, except for a second write shard that only the commit can see
 * (plain JDBC statements), which then rolls the whole transaction back.
 */
public class ShardRoutingException extends InvalidDataAccessApiUsageException {

	public ShardRoutingException(String message) {
		super(message);
	}

	public ShardRoutingException(String message, Throwable cause) {
		super(message, cause);
	}

}
