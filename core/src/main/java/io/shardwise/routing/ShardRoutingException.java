package io.shardwise.routing;

import org.springframework.dao.InvalidDataAccessApiUsageException;

/**
 * Thrown when a call cannot be routed to a shard: no shard is selected, a key is
 * missing, or a call would leave the shard its transaction is bound to. Thrown before
 * any statement of the offending call runs.
 */
public class ShardRoutingException extends InvalidDataAccessApiUsageException {

	public ShardRoutingException(String message) {
		super(message);
	}

	public ShardRoutingException(String message, Throwable cause) {
		super(message, cause);
	}

}
