package io.shardwise.repository;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.shardwise.routing.ShardRoutingException;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Window;
import org.springframework.data.util.Streamable;

/**
 * Merges the per-shard results of a repository method that ran on several shards:
 * collections are concatenated, counts and affected-row numbers summed, booleans
 * OR-ed, and single results must come from at most one shard.
 */
final class RepositoryResults {

	private static final String MODIFYING = "org.springframework.data.jpa.repository.Modifying";

	private RepositoryResults() {
	}

	/**
	 * Tell whether the results of a method can be merged across shards.
	 * @param method a repository method
	 * @return a message saying why not, or {@code null} if they can
	 */
	static String unmergeableReason(Method method) {
		Class<?> type = method.getReturnType();
		if (Slice.class.isAssignableFrom(type) || Window.class.isAssignableFrom(type)
				|| Stream.class.isAssignableFrom(type) || Streamable.class.isAssignableFrom(type)) {
			return "it returns " + type.getSimpleName() + ", which cannot be merged across shards yet";
		}
		if (isNumber(type) && !isSummable(method)) {
			return "it returns a number that is neither a count nor an affected-row count, so shard results "
					+ "cannot be combined";
		}
		return null;
	}

	/**
	 * Merge per-shard results.
	 * @param method the repository method
	 * @param parts the results, one per shard, in shard order
	 * @param firstHitWins whether several single results are allowed (the first wins), as
	 * for lookups by id
	 * @return the merged result
	 */
	static Object merge(Method method, List<?> parts, boolean firstHitWins) {
		Class<?> type = method.getReturnType();
		if (type == void.class || type == Void.class) {
			return null;
		}
		if (type == boolean.class || type == Boolean.class) {
			return parts.stream().anyMatch(Boolean.TRUE::equals);
		}
		if (isNumber(type)) {
			String reason = unmergeableReason(method);
			if (reason != null) {
				throw new ShardRoutingException(describe(method) + " has no @ShardKey and ran on every shard, but " + reason);
			}
			long sum = parts.stream().mapToLong((part) -> (part != null) ? ((Number) part).longValue() : 0).sum();
			return (type == int.class || type == Integer.class) ? (Object) Math.toIntExact(sum) : (Object) sum;
		}
		if (Set.class.isAssignableFrom(type)) {
			Set<Object> all = new LinkedHashSet<>();
			parts.forEach((part) -> ((Iterable<?>) part).forEach(all::add));
			return all;
		}
		if (Iterable.class.isAssignableFrom(type) && type.isAssignableFrom(List.class)) {
			List<Object> all = new ArrayList<>();
			parts.forEach((part) -> {
				if (part instanceof Collection<?> collection) {
					all.addAll(collection);
				}
				else {
					((Iterable<?>) part).forEach(all::add);
				}
			});
			return all;
		}
		if (type == Optional.class) {
			Object single = single(method, parts.stream().map((part) -> ((Optional<?>) part).orElse(null)).toList(),
					firstHitWins);
			return Optional.ofNullable(single);
		}
		String reason = unmergeableReason(method);
		if (reason != null) {
			throw new ShardRoutingException(describe(method) + " has no @ShardKey and ran on every shard, but " + reason);
		}
		return single(method, parts, firstHitWins);
	}

	private static Object single(Method method, List<?> values, boolean firstHitWins) {
		Object found = null;
		int hits = 0;
		for (Object value : values) {
			if (value != null) {
				hits++;
				if (found == null) {
					found = value;
				}
			}
		}
		if (hits > 1 && !firstHitWins) {
			throw new IncorrectResultSizeDataAccessException(
					describe(method) + " expects one result but " + hits + " shards returned one", 1, hits);
		}
		return found;
	}

	private static boolean isNumber(Class<?> type) {
		return type == long.class || type == Long.class || type == int.class || type == Integer.class;
	}

	private static boolean isSummable(Method method) {
		String name = method.getName();
		if (name.startsWith("count") || name.startsWith("delete") || name.startsWith("remove")) {
			return true;
		}
		// By name, so that core does not depend on Spring Data JPA.
		for (Annotation annotation : method.getAnnotations()) {
			if (annotation.annotationType().getName().equals(MODIFYING)) {
				return true;
			}
		}
		return false;
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getSimpleName() + "." + method.getName();
	}

}
