package io.shardwise.repository;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.shardwise.routing.ShardRoutingException;
import org.springframework.data.core.PropertyPath;
import org.springframework.data.core.PropertyReferenceException;
import org.springframework.data.domain.Sort;
import org.springframework.util.ReflectionUtils;

/**
 * Checks the order of a call about to run on several shards against the entity, before
 * any shard runs, so that a bad sort fails once, as the caller's error, rather than on
 * every shard:
 * <ul>
 * <li>a property the entity does not have throws Spring Data's
 * {@link PropertyReferenceException}, as the query on one database would;
 * <li>a to-one association sorts by the associated entity's id, as Spring Data JPA's
 * {@code ORDER BY} of the association (its foreign key) does on one database, and the
 * merge compares those ids;
 * <li>a collection, or any other value the merge cannot compare, is refused with a
 * {@link ShardRoutingException}.
 * </ul>
 * Methods with a {@code @Query} may sort by aliases of their query, which no entity
 * property describes: their unknown properties are left to the shards, and
 * {@link ResultProperties} checks that the rows the method returns expose them.
 */
final class SortProperties {

	/** Enough for every property of an entity; beyond it, properties are resolved anew. */
	private static final int CACHE_LIMIT = 256;

	private final Class<?> domainType;

	private final Map<String, String> resolved = new ConcurrentHashMap<>();

	SortProperties(Class<?> domainType) {
		this.domainType = domainType;
	}

	/**
	 * Check a sort, and return it with associations replaced by their ids.
	 * @param method the method being called
	 * @param sort the merge order
	 * @return the order to send to the shards and to merge by
	 * @throws PropertyReferenceException if the entity has no such property
	 * @throws ShardRoutingException if shard results cannot be merged in that order
	 */
	Sort check(RepositoryMethod method, Sort sort) {
		List<Sort.Order> orders = null;
		int position = 0;
		for (Sort.Order order : sort) {
			String property = resolve(method, order.getProperty());
			if (!property.equals(order.getProperty())) {
				if (orders == null) {
					orders = new ArrayList<>(sort.toList());
				}
				orders.set(position, order.withProperty(property));
			}
			position++;
		}
		return (orders != null) ? Sort.by(orders) : sort;
	}

	private String resolve(RepositoryMethod method, String property) {
		String known = this.resolved.get(property);
		if (known != null) {
			return known;
		}
		PropertyPath path;
		try {
			path = PropertyPath.from(property, this.domainType);
		}
		catch (PropertyReferenceException ex) {
			if (hasQueryAnnotation(method)) {
				return property;
			}
			throw ex;
		}
		String result = comparable(method, property, path);
		if (this.resolved.size() < CACHE_LIMIT) {
			this.resolved.put(property, result);
		}
		return result;
	}

	private static String comparable(RepositoryMethod method, String property, PropertyPath path) {
		PropertyPath leaf = path.getLeafProperty();
		if (leaf.isCollection()) {
			throw new ShardRoutingException(method.describe() + " sorts by '" + property
					+ "', a collection, which repeats rows and cannot be merged across shards; sort by a single value");
		}
		Class<?> type = leaf.getType();
		if (isComparable(type)) {
			return property;
		}
		Field id = idField(type);
		if (id != null && isComparable(id.getType())) {
			return property + "." + id.getName();
		}
		throw new ShardRoutingException(method.describe() + " sorts by '" + property + "', whose values ("
				+ type.getSimpleName() + ") are not Comparable, so shard results cannot be merged in that order; "
				+ "sort by one of its properties");
	}

	private static boolean isComparable(Class<?> type) {
		return type.isPrimitive() || Comparable.class.isAssignableFrom(type);
	}

	/**
	 * Return the field annotated with JPA's {@code @Id} or Spring Data's {@code @Id}
	 * (looked up by name, so that core needs neither), or {@code null}.
	 */
	private static Field idField(Class<?> type) {
		Field[] found = new Field[1];
		ReflectionUtils.doWithFields(type, (field) -> found[0] = field, (field) -> found[0] == null && isId(field));
		return found[0];
	}

	private static boolean isId(Field field) {
		for (Annotation annotation : field.getAnnotations()) {
			String name = annotation.annotationType().getName();
			if (name.equals("jakarta.persistence.Id") || name.equals("org.springframework.data.annotation.Id")) {
				return true;
			}
		}
		return false;
	}

	private static boolean hasQueryAnnotation(RepositoryMethod method) {
		// Spring Data JPA's and Spring Data JDBC's @Query alike.
		for (Annotation annotation : method.method().getAnnotations()) {
			if (annotation.annotationType().getSimpleName().equals("Query")) {
				return true;
			}
		}
		return false;
	}

}
