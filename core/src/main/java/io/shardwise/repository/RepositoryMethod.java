package io.shardwise.repository;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.shardwise.annotation.AllowFanOut;
import io.shardwise.annotation.ShardKey;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotatedMethod;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.repository.query.parser.PartTree;
import org.springframework.data.util.Streamable;

/**
 * How one repository method is routed and how its shard results merge, worked out once
 * from its signature.
 *
 * @param method the method
 * @param kind what decides the shard
 * @param keyIndex the position of the {@code @ShardKey} argument, or -1
 * @param strategy the strategy of the {@code @ShardKey} argument
 * @param shape the shape of the result
 * @param derivedSort the order given by {@code OrderBy} in the method name
 * @param maxResults the limit given by {@code Top}/{@code First} in the method name, or -1
 * @param sortIndex the position of a {@link Sort} argument, or -1
 * @param pageableIndex the position of a {@link Pageable} argument, or -1
 * @param limitIndex the position of a {@link Limit} argument, or -1
 * @param scrollIndex the position of a {@link ScrollPosition} argument, or -1
 * @param unmergeable why results of several shards cannot be merged, or {@code null}
 * @param allowFanOut whether {@link AllowFanOut} allows a scatter
 * @param grouped how the answers of a grouped or aggregate {@code @Query} merge, or
 * {@code null} for any other method
 * @param writes whether the method writes ({@code save...}, {@code delete...},
 * {@code remove...}, {@code @Modifying})
 * @param derivedQuery whether the store derives the query from the method's name (not a
 * base repository method, not a {@code @Query}): Spring Data JPA orders those
 * {@code ignoreCase} by {@code upper()}, its other queries by {@code lower()}
 */
record RepositoryMethod(Method method, Kind kind, int keyIndex, String strategy, Shape shape, Sort derivedSort,
		int maxResults, int sortIndex, int pageableIndex, int limitIndex, int scrollIndex, String unmergeable,
		boolean allowFanOut, GroupedQuery grouped, boolean writes, boolean derivedQuery) {

	private static final Set<String> ENTITY_METHODS = Set.of("save", "saveAndFlush", "delete");

	private static final Set<String> ENTITIES_METHODS = Set.of("saveAll", "saveAllAndFlush", "deleteAll",
			"deleteAllInBatch", "deleteInBatch");

	private static final Set<String> ID_METHODS = Set.of("findById", "existsById", "deleteById", "getReferenceById",
			"getById", "getOne");

	private static final Set<String> IDS_METHODS = Set.of("findAllById", "deleteAllById", "deleteAllByIdInBatch");

	private static final Set<String> QUERY = Set.of("org.springframework.data.jpa.repository.Query",
			"org.springframework.data.jdbc.repository.query.Query");

	private static final Set<String> MODIFYING = Set.of("org.springframework.data.jpa.repository.Modifying",
			"org.springframework.data.jdbc.repository.query.Modifying");

	private static final Pattern ORDER_BY = Pattern.compile("(?i)\\border\\s+by\\b");

	private static final Pattern SELECT_DISTINCT = Pattern.compile("(?i)^\\s*select\\s+distinct\\b");

	static RepositoryMethod passThrough(Method method) {
		return new RepositoryMethod(method, Kind.PASS, -1, null, Shape.OTHER, Sort.unsorted(), -1, -1, -1, -1, -1,
				null, false, null, false, false);
	}

	/**
	 * Work out how a method is routed.
	 * @param method a repository method
	 * @param domainType the repository's entity type
	 * @return the plan
	 */
	static RepositoryMethod of(Method method, Class<?> domainType) {
		if (method.getDeclaringClass() == Object.class) {
			return passThrough(method);
		}
		int keyIndex = -1;
		String strategy = null;
		int sortIndex = -1;
		int pageableIndex = -1;
		int limitIndex = -1;
		int scrollIndex = -1;
		if (method.getParameterCount() > 0) {
			for (MethodParameter parameter : new AnnotatedMethod(method).getMethodParameters()) {
				ShardKey shardKey = parameter.getParameterAnnotation(ShardKey.class);
				Class<?> type = parameter.getParameterType();
				int index = parameter.getParameterIndex();
				if (shardKey != null && keyIndex < 0) {
					keyIndex = index;
					strategy = shardKey.strategy();
				}
				else if (Sort.class.isAssignableFrom(type)) {
					sortIndex = index;
				}
				else if (Pageable.class.isAssignableFrom(type)) {
					pageableIndex = index;
				}
				else if (Limit.class.isAssignableFrom(type)) {
					limitIndex = index;
				}
				else if (ScrollPosition.class.isAssignableFrom(type)) {
					scrollIndex = index;
				}
			}
		}
		Shape shape = FluentQueries.isFluent(method) ? Shape.FLUENT : Shape.of(method.getReturnType());
		String queryString = queryString(method);
		PartTree tree = (queryString == null) ? partTree(method, domainType) : null;
		Sort derivedSort = (tree != null) ? tree.getSort() : Sort.unsorted();
		int maxResults = (tree != null && tree.isLimiting()) ? tree.getMaxResults() : -1;
		GroupedQuery grouped = (queryString != null)
				? GroupedQuery.of(method, queryString, isNativeQuery(method), shape, entityName(domainType)) : null;
		String unmergeable = (grouped != null) ? grouped.refusal()
				: unmergeableReason(method, shape, queryString, sortIndex, pageableIndex);
		if (unmergeable == null && derivedSort.isSorted()) {
			unmergeable = unexposedOrder(method, domainType, derivedSort);
		}
		if (unmergeable == null && grouped == null) {
			unmergeable = distinctValues(method, domainType, shape, tree, queryString);
		}
		boolean allowFanOut = AnnotatedElementUtils.hasAnnotation(method, AllowFanOut.class)
				|| AnnotatedElementUtils.hasAnnotation(method.getDeclaringClass(), AllowFanOut.class);
		Kind kind = kind(method, keyIndex, scrollIndex);
		String name = method.getName();
		boolean writes = name.startsWith("save") || name.startsWith("delete") || name.startsWith("remove")
				|| annotation(method, MODIFYING) != null;
		boolean derivedQuery = tree != null && !method.getDeclaringClass().getName().startsWith("org.springframework.data.");
		return new RepositoryMethod(method, kind, keyIndex, strategy, shape, derivedSort, maxResults, sortIndex,
				pageableIndex, limitIndex, scrollIndex, unmergeable, allowFanOut, grouped, writes, derivedQuery);
	}

	private static Kind kind(Method method, int keyIndex, int scrollIndex) {
		if (keyIndex >= 0) {
			return Kind.KEY;
		}
		String name = method.getName();
		int count = method.getParameterCount();
		boolean iterableArgument = count == 1 && Iterable.class.isAssignableFrom(method.getParameterTypes()[0]);
		if (count == 1 && ENTITY_METHODS.contains(name)) {
			return Kind.ENTITY;
		}
		if (iterableArgument && ENTITIES_METHODS.contains(name)) {
			return Kind.ENTITIES;
		}
		if (count == 1 && ID_METHODS.contains(name)) {
			return Kind.ID;
		}
		if (iterableArgument && IDS_METHODS.contains(name)) {
			return Kind.IDS;
		}
		return Kind.UNKEYED;
	}

	private static String unmergeableReason(Method method, Shape shape, String queryString, int sortIndex,
			int pageableIndex) {
		if (shape == Shape.NUMBER && !isSummable(method)) {
			return "it returns a number that is neither a count nor an affected-row count, so shard results cannot "
					+ "be combined (use ShardedJdbcTemplate for aggregates)";
		}
		if (queryString != null && ORDER_BY.matcher(queryString).find() && sortIndex < 0 && pageableIndex < 0) {
			return "its @Query orders rows with ORDER BY, and shard results cannot be merged in that order; pass a "
					+ "Sort or Pageable argument instead";
		}
		return null;
	}

	/**
	 * Return why the rows of a method whose name orders them cannot be merged in that
	 * order (a projection or DTO that does not expose an ordered property), or
	 * {@code null}. Known when the method is planned; a {@code Sort} or {@code Pageable}
	 * argument is checked when called.
	 */
	private static String unexposedOrder(Method method, Class<?> domainType, Sort derivedSort) {
		Class<?> type = ResultProperties.elementType(method);
		if (type == null || type.isAssignableFrom(domainType) || domainType.isAssignableFrom(type)) {
			return null;
		}
		for (Sort.Order order : derivedSort) {
			String missing = ResultProperties.missingSegment(type, order.getProperty());
			if (missing != null) {
				return "it returns " + (type.isInterface() ? "projection " : "") + type.getName()
						+ ", which does not expose '" + missing + "' that its name orders by ('"
						+ order.getProperty() + "'), so the rows of several shards cannot be merged in that order; add '"
						+ missing + "' to " + type.getSimpleName() + " (a getter"
						+ (type.isRecord() ? " or record component" : "") + " named after it)";
			}
		}
		return null;
	}

	/**
	 * Return why a method's DISTINCT rows that are not entities cannot be merged, or
	 * {@code null}: each shard returns a value once, so a value of several shards would
	 * repeat in the merged rows (and a limit or page would count it several times). An
	 * entity lives on one shard, so DISTINCT entities stay distinct.
	 */
	private static String distinctValues(Method method, Class<?> domainType, Shape shape, PartTree tree,
			String queryString) {
		boolean distinct = (tree != null) ? tree.isDistinct()
				: queryString != null && SELECT_DISTINCT.matcher(queryString).find();
		// countDistinctBy and existsDistinctBy count and find entities: summed and ORed exactly.
		if (!distinct || (tree != null && (shape == Shape.NUMBER || shape == Shape.BOOLEAN))) {
			return null;
		}
		Class<?> type = ResultProperties.elementType(method);
		if (type != null && (type.isAssignableFrom(domainType) || domainType.isAssignableFrom(type))) {
			return null;
		}
		return "it selects DISTINCT " + ((type != null) ? type.getName() : "values")
				+ " rows, not entities: each shard returns a value once, and a value found on several shards "
				+ "would repeat in the merged result; write it as a @Query that groups by the same columns "
				+ "(select ... group by ...), whose groups Shardwise merges exactly";
	}

	private static boolean isSummable(Method method) {
		String name = method.getName();
		return name.startsWith("count") || name.startsWith("delete") || name.startsWith("remove")
				|| annotation(method, MODIFYING) != null;
	}

	private static String queryString(Method method) {
		Annotation query = annotation(method, QUERY);
		if (query == null) {
			return null;
		}
		Object value = org.springframework.core.annotation.AnnotationUtils.getValue(query);
		return (value != null) ? value.toString() : "";
	}

	/**
	 * Return whether a method's {@code @Query} is SQL (a native JPA query, or any Spring
	 * Data JDBC query).
	 */
	static boolean isNativeQuery(Method method) {
		Annotation query = annotation(method, QUERY);
		if (query != null && query.annotationType().getName().startsWith("org.springframework.data.jdbc.")) {
			return true; // Spring Data JDBC queries are SQL
		}
		return query != null && Boolean.TRUE.equals(org.springframework.core.annotation.AnnotationUtils.getValue(query, "nativeQuery"));
	}

	private static String entityName(Class<?> domainType) {
		for (Annotation annotation : domainType.getAnnotations()) {
			if (annotation.annotationType().getName().equals("jakarta.persistence.Entity")) {
				Object name = org.springframework.core.annotation.AnnotationUtils.getValue(annotation, "name");
				if (name instanceof String text && !text.isEmpty()) {
					return text;
				}
			}
		}
		return domainType.getSimpleName();
	}

	// By name, so that core depends on neither Spring Data JPA nor Spring Data JDBC.
	private static Annotation annotation(Method method, Set<String> typeNames) {
		for (Annotation annotation : method.getAnnotations()) {
			if (typeNames.contains(annotation.annotationType().getName())) {
				return annotation;
			}
		}
		return null;
	}

	private static PartTree partTree(Method method, Class<?> domainType) {
		try {
			return new PartTree(method.getName(), domainType);
		}
		catch (RuntimeException ex) {
			// Not a derived query (a custom or base method): no order or limit in its name.
			return null;
		}
	}

	String describe() {
		return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName();
	}

	/**
	 * What decides the shard of a call.
	 */
	enum Kind {

		PASS, KEY, ENTITY, ENTITIES, ID, IDS, UNKEYED

	}

	/**
	 * The shape of a method's result, which decides how shard results merge.
	 */
	enum Shape {

		VOID, BOOLEAN, NUMBER, SET, LIST, STREAMABLE, OPTIONAL, PAGE, SLICE, WINDOW, STREAM,

		/** A query function over a fluent query: merged by {@link FluentQueries}. */
		FLUENT,

		OTHER;

		static Shape of(Class<?> type) {
			if (type == void.class || type == Void.class) {
				return VOID;
			}
			if (type == boolean.class || type == Boolean.class) {
				return BOOLEAN;
			}
			if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
				return NUMBER;
			}
			if (Page.class.isAssignableFrom(type)) {
				return PAGE;
			}
			if (Slice.class.isAssignableFrom(type)) {
				return SLICE;
			}
			if (Window.class.isAssignableFrom(type)) {
				return WINDOW;
			}
			if (Stream.class.isAssignableFrom(type)) {
				return STREAM;
			}
			if (type == Optional.class) {
				return OPTIONAL;
			}
			if (Set.class.isAssignableFrom(type)) {
				return SET;
			}
			if (Streamable.class.isAssignableFrom(type)) {
				return STREAMABLE;
			}
			if (Iterable.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
				return LIST;
			}
			return OTHER;
		}

	}

}
