package io.shardwise.repository;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.shardwise.routing.ShardRoutingException;
import org.springframework.beans.BeanUtils;
import org.springframework.core.ResolvableType;
import org.springframework.data.domain.Sort;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Checks, before any shard runs, that a merge can read every value it orders shard results
 * by from the results themselves, and works out the order the shards sort by and the one
 * the merge compares:
 * <ul>
 * <li>an interface projection or DTO that does not expose a sort property is refused,
 * naming the method, the property and the type (the shards could sort by it, but the merge
 * could not compare their rows);
 * <li>the id that Shardwise adds to break ties is left out of the merge when the results
 * do not expose it: the shards still sort by it, and the merge keeps ties in shard order,
 * so the order is still total and the same on every call;
 * <li>a native query returning entities sorts by columns: the merge compares the property
 * mapped to each column (the shards get the id's column as tiebreaker), and a column that
 * maps to no property is refused;
 * <li>a {@code @Query} that sorts by an alias the results do not expose is refused.
 * </ul>
 */
final class ResultProperties {

	private final Class<?> domainType;

	private final String idProperty;

	private final SortProperties sortProperties;

	/** The entity's columns (lower case) and properties, or empty without JPA. */
	private final Supplier<NativeColumns> columns;

	private final Map<Method, Optional<Class<?>>> elementTypes = new ConcurrentHashMap<>();

	/** Enough for every sort path of a type; beyond it (nested paths from requests), checked anew. */
	private static final int CACHE_LIMIT = 256;

	/** The paths found readable, by row type. */
	private static final Map<Class<?>, Map<String, Boolean>> readable = new ConcurrentReferenceHashMap<>();

	/**
	 * The order a fan-out's shards sort by and the one its merge compares.
	 * @param shardSort the order sent to the shards
	 * @param mergeSort the order the merge compares results by
	 */
	record Orders(Sort shardSort, Sort mergeSort) {
	}

	/**
	 * Create the checks for one repository.
	 * @param domainType the entity type
	 * @param idProperty the entity's id property, or {@code null}
	 * @param sortProperties checks the properties a native query's columns map to
	 * @param columns the entity's column mapping, asked for on the first native query with
	 * a sort
	 */
	ResultProperties(Class<?> domainType, String idProperty, SortProperties sortProperties,
			Supplier<NativeColumns> columns) {
		this.domainType = domainType;
		this.idProperty = idProperty;
		this.sortProperties = sortProperties;
		this.columns = columns;
	}

	/**
	 * Work out the shard and merge orders of a call.
	 * @param plan the method
	 * @param args the call's arguments
	 * @param sort the checked order, with the id tiebreaker if Shardwise added one
	 * @param tiebreak whether the id at the end of {@code sort} was added by Shardwise
	 * @return the orders
	 * @throws ShardRoutingException if the merge could not compare the results in that
	 * order
	 */
	Orders orders(RepositoryMethod plan, Object[] args, Sort sort, boolean tiebreak) {
		return orders(plan, elementType(plan, args), sort, tiebreak);
	}

	/**
	 * Work out the shard and merge orders of a call whose rows are of a given type.
	 * @param plan the method
	 * @param type the type of the rows, or {@code null} if unknown
	 * @param sort the checked order, with the id tiebreaker if Shardwise added one
	 * @param tiebreak whether the id at the end of {@code sort} was added by Shardwise
	 * @return the orders
	 * @throws ShardRoutingException if the merge could not compare the results in that
	 * order
	 */
	Orders orders(RepositoryMethod plan, Class<?> type, Sort sort, boolean tiebreak) {
		boolean entities = type == null || type.isAssignableFrom(this.domainType)
				|| this.domainType.isAssignableFrom(type);
		Sort shardSort = sort;
		Sort mergeSort = sort;
		if (entities && RepositoryMethod.isNativeQuery(plan.method())) {
			NativeColumns columns = this.columns.get();
			List<Sort.Order> shard = new ArrayList<>();
			List<Sort.Order> merge = new ArrayList<>();
			int last = sort.toList().size() - 1;
			int position = 0;
			for (Sort.Order order : sort) {
				boolean added = position++ == last && tiebreak;
				if (added) {
					// Shardwise's tiebreaker names the id property: the SQL needs its column.
					shard.add(order.withProperty((columns != null) ? columns.idColumn() : order.getProperty()));
					merge.add(order);
					continue;
				}
				String property = (columns != null) ? columns.propertyOf(order.getProperty()) : null;
				if (property == null && columns != null) {
					throw new ShardRoutingException(plan.describe() + " is a native query sorted by '"
							+ order.getProperty() + "', which is no column mapped to a property of "
							+ this.domainType.getSimpleName() + ", so shard results cannot be merged in that "
							+ "order; sort by a column of " + this.domainType.getSimpleName()
							+ "'s table or pass a @ShardKey");
				}
				shard.add(order);
				merge.add(order.withProperty((property != null) ? property : order.getProperty()));
			}
			shardSort = Sort.by(shard);
			// A foreign key column maps to its association, which compares by the id.
			mergeSort = this.sortProperties.check(plan, Sort.by(merge));
		}
		if (type == null || type == Object.class) {
			return new Orders(shardSort, mergeSort);
		}
		List<Sort.Order> merge = null;
		int last = mergeSort.toList().size() - 1;
		int position = 0;
		for (Sort.Order order : mergeSort) {
			String missing = missingSegment(type, order.getProperty());
			if (missing != null) {
				if (tiebreak && position == last) {
					// Ties keep shard order (each shard's rows come sorted by the id).
					merge = (merge != null) ? merge : new ArrayList<>(mergeSort.toList());
					merge.remove(last);
					break;
				}
				throw new ShardRoutingException(refusal(plan, type, entities, order.getProperty(), missing));
			}
			position++;
		}
		return new Orders(shardSort, (merge != null) ? Sort.by(merge) : mergeSort);
	}

	private String refusal(RepositoryMethod plan, Class<?> type, boolean entities, String property, String missing) {
		String what = type.isArray() ? type.getComponentType().getSimpleName() + "[] rows"
				: (type.isInterface() ? "projection " : "") + type.getName();
		String fix = (entities || type.isArray()) ? "sort by a property of " + this.domainType.getSimpleName()
				: "add '" + missing + "' to " + type.getSimpleName() + " (a getter" + (type.isRecord()
						? " or record component" : "") + " named after it), or sort by a property it has";
		return plan.describe() + " sorts by '" + property + "', but its results (" + what + ") do not expose '"
				+ missing + "', so the rows of several shards cannot be merged in that order (each shard could "
				+ "sort by it, but the merge would have no value to compare); " + fix + ", or pass a @ShardKey";
	}

	/**
	 * Return the type of the rows a call returns, or {@code null} if unknown (a type
	 * variable without a {@code Class} argument).
	 */
	private Class<?> elementType(RepositoryMethod plan, Object[] args) {
		Optional<Class<?>> known = this.elementTypes.computeIfAbsent(plan.method(),
				(method) -> Optional.ofNullable(elementType(method)));
		if (known.isPresent()) {
			return known.get();
		}
		// A dynamic projection: the type comes as a Class argument.
		for (Object arg : args) {
			if (arg instanceof Class<?> type) {
				return type;
			}
		}
		return null;
	}

	/**
	 * Return the declared type of the rows a method returns (the element type of a
	 * collection, page, slice, window, stream or optional), or {@code null} if it is a
	 * type variable.
	 * @param method the method
	 * @return the row type, or {@code null}
	 */
	static Class<?> elementType(Method method) {
		ResolvableType type = ResolvableType.forMethodReturnType(method);
		Class<?> raw = type.resolve(Object.class);
		ResolvableType element;
		if (Iterable.class.isAssignableFrom(raw)) {
			element = type.as(Iterable.class).getGeneric(0);
		}
		else if (Stream.class.isAssignableFrom(raw)) {
			element = type.as(Stream.class).getGeneric(0);
		}
		else if (raw == Optional.class) {
			element = type.getGeneric(0);
		}
		else {
			element = type;
		}
		Class<?> resolved = element.resolve();
		for (java.lang.reflect.TypeVariable<Method> variable : method.getTypeParameters()) {
			if (ResolvableType.forType(variable).resolve() == resolved) {
				// The method's own type variable (a dynamic projection) resolves to its bound.
				return null;
			}
		}
		return resolved;
	}

	/**
	 * Return the first segment of a property path that a type does not expose, or
	 * {@code null} if the merge can read the whole path.
	 */
	static String missingSegment(Class<?> type, String path) {
		Map<String, Boolean> known = readable.computeIfAbsent(type, (key) -> new ConcurrentHashMap<>());
		Boolean found = known.get(path);
		if (Boolean.TRUE.equals(found)) {
			return null;
		}
		Class<?> current = type;
		for (String segment : StringUtils.delimitedListToStringArray(path, ".")) {
			current = propertyType(current, segment);
			if (current == null) {
				return segment;
			}
		}
		if (known.size() < CACHE_LIMIT) {
			known.put(path, Boolean.TRUE);
		}
		return null;
	}

	/** The type of a property as {@code EntityOrder} reads it, or {@code null} if none. */
	private static Class<?> propertyType(Class<?> type, String property) {
		if (type.isArray() || type.isPrimitive()) {
			return null;
		}
		PropertyDescriptor descriptor = BeanUtils.getPropertyDescriptor(type, property);
		if (descriptor != null && descriptor.getReadMethod() != null) {
			return descriptor.getReadMethod().getReturnType();
		}
		if (type.isInterface()) {
			// A projection extending another interface: the getter may be inherited.
			String name = StringUtils.capitalize(property);
			for (String prefix : new String[] { "get", "is" }) {
				Method getter = ReflectionUtils.findMethod(type, prefix + name);
				if (getter != null && getter.getReturnType() != void.class) {
					return getter.getReturnType();
				}
			}
			return null;
		}
		Field field = ReflectionUtils.findField(type, property);
		return (field != null) ? field.getType() : null;
	}

	/**
	 * How an entity's columns map to its properties, for native queries.
	 * @param byColumn the property of each single-column property (and of the id), by lower
	 * case column name without quotes
	 * @param idColumn the id's column
	 */
	record NativeColumns(Map<String, String> byColumn, String idColumn) {

		String propertyOf(String column) {
			return this.byColumn.get(normalize(column));
		}

		static String normalize(String column) {
			String name = column.strip();
			if (name.length() > 1 && "\"`[".indexOf(name.charAt(0)) >= 0) {
				name = name.substring(1, name.length() - 1);
			}
			return name.toLowerCase(Locale.ROOT);
		}

	}

}
