package io.shardwise.fanout;

import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.core.PropertyResolutionException;

/**
 * Tells the errors of a call itself from the failures of a shard. An error of the call
 * would be the same on every shard and on one database: a usage error
 * ({@link InvalidDataAccessApiUsageException}, such as a routing refusal or an argument
 * Spring Data refused), a sort by a property the entity does not have
 * ({@link PropertyResolutionException}), a second row for a single result
 * ({@link IncorrectResultSizeDataAccessException}), and the programming errors
 * {@link IllegalArgumentException} and {@link NullPointerException} (a {@code null}
 * {@code Pageable} given to {@code findAll}). Fan-outs rethrow it as it is, under every
 * failure policy, never wrapped in a {@link ShardFanOutException} nor hidden by a partial
 * result, and metrics count it apart from shard failures.
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
				|| failure instanceof PropertyResolutionException || failure instanceof IllegalArgumentException
				|| failure instanceof NullPointerException;
	}

}
