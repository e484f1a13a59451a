package io.shardwise.fanout;

import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.core.PropertyResolutionException;

/**
 * Tells the errors of a call itself from the failures of a shard. An error of the call
 * (a usage error such as a routing refusal or a bad argument, a sort by a property the
 * entity does not have, a second row for a single result) would be the same on every
 * shard and on one database: fan-outs rethrow it as it is, under every failure policy,
 * never wrapped in a {@link ShardFanOutException} nor hidden by a partial result, and
 * metrics count it apart from shard failures.
 */
public final class CallErrors {

	private CallErrors() {
	}

	/**
	 * Return whether a failure is an error of the call rather than of the shard it ran on.
	 * @param failure what a shard call threw
	 * @return whether it is the call's error
	 */
	public static boolean isCallError(Throwable failure) {
		return failure instanceof InvalidDataAccessApiUsageException
				|| failure instanceof IncorrectResultSizeDataAccessException
				|| failure instanceof PropertyResolutionException;
	}

}
