package io.shardwise.repository;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.shardwise.repository.QueryText.Token;
import io.shardwise.repository.QueryText.Type;
import io.shardwise.routing.ShardRoutingException;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Sort;
import org.springframework.data.projection.ProjectionFactory;
import org.springframework.data.projection.SpelAwareProxyProjectionFactory;
import org.springframework.data.util.Streamable;
import org.springframework.util.ClassUtils;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * How the shard answers of a grouped or aggregate {@code @Query} (JPQL) combine into the
 * answer of one database holding all rows, worked out once from the query text and the
 * method's return type.
 *
 * <p>Each shard runs a rewritten query: the same {@code FROM}, {@code WHERE} and
 * {@code GROUP BY}, without {@code ORDER BY}, with every {@code avg(x)} replaced by
 * {@code sum(x), count(x)}. Rows of the same group (equal values of every group-by item)
 * are then combined column by column: counts and sums add up, {@code min} and
 * {@code max} take the extreme (NULLs ignored), and an average is the total sum over the
 * total count, never an average of averages. An ungrouped aggregate gives one row.
 * Merged groups come in the order in which they first appear, shards taken in their
 * configured order, unless the query has an {@code ORDER BY} of selected values, which
 * sorts the merged rows.
 *
 * <p>What cannot be merged exactly is refused by a {@link #refusal() reason} given before
 * any shard runs: {@code HAVING}, {@code DISTINCT} aggregates, aggregates inside
 * expressions, group-by items that are not selected, constructor expressions, native
 * queries, and shapes of result this class does not build. Rows become {@code Object[]},
 * a single value when one is selected, or projections of an interface whose properties
 * are the select aliases (as Spring Data JPA builds them on one database).
 */
final class GroupedQuery {

	private static final Set<String> AGGREGATES = Set.of("count", "sum", "min", "max", "avg");

	private static final String JPA_PARAM = "org.springframework.data.repository.query.Param";

	private static final ProjectionFactory PROJECTIONS = new SpelAwareProxyProjectionFactory();

	private static final String WHAT_TO_DO = " (use ShardedJdbcTemplate.aggregate, or rewrite the query)";

	private final String refusal;

	private final String shardQuery;

	private final List<Column> columns;

	private final Function[] shardFunctions;

	private final int[] keys;

	private final List<OrderItem> order;

	private final List<Binding> bindings;

	private final Result result;

	private final Class<?> elementType;

	/** The select aliases, when rows become projections of an interface; otherwise {@code null}. */
	private final List<String> projectionAliases;

	private GroupedQuery(String refusal) {
		this(refusal, null, List.of(), new Function[0], new int[0], List.of(), List.of(), null, null, null);
	}

	private GroupedQuery(String refusal, String shardQuery, List<Column> columns, Function[] shardFunctions,
			int[] keys, List<OrderItem> order, List<Binding> bindings, Result result, Class<?> elementType,
			List<String> projectionAliases) {
		this.refusal = refusal;
		this.shardQuery = shardQuery;
		this.columns = columns;
		this.shardFunctions = shardFunctions;
		this.keys = keys;
		this.order = order;
		this.bindings = bindings;
		this.result = result;
		this.elementType = elementType;
		this.projectionAliases = projectionAliases;
	}

	/**
	 * Read a {@code @Query} of a repository method.
	 * @param method the method
	 * @param query the query text
	 * @param nativeQuery whether it is SQL rather than JPQL
	 * @param shape the shape of the method's result
	 * @param entityName the entity name that {@code #{#entityName}} stands for
	 * @return how its shard answers merge (possibly a refusal), or {@code null} if it is
	 * neither grouped nor an aggregate
	 */
	static GroupedQuery of(Method method, String query, boolean nativeQuery, RepositoryMethod.Shape shape,
			String entityName) {
		String text = query.replace("#{#entityName}", entityName);
		QueryText parsed;
		try {
			parsed = QueryText.of(text);
		}
		catch (IllegalArgumentException ex) {
			// JPQL is validated at startup by Spring Data; SQL only by its database.
			return nativeQuery ? null
					: new GroupedQuery("its @Query cannot be read by Shardwise (" + ex.getMessage() + ")" + WHAT_TO_DO);
		}
		if (!isAggregate(parsed) || (shape == RepositoryMethod.Shape.BOOLEAN && isExistence(parsed))) {
			return null;
		}
		if (nativeQuery && shape == RepositoryMethod.Shape.NUMBER && isSingleCount(parsed)) {
			// An ungrouped native count: shard counts are summed, as any count.
			return null;
		}
		if (nativeQuery) {
			return new GroupedQuery("its native @Query groups or aggregates rows, which Shardwise merges only for "
					+ "JPQL queries (use ShardedJdbcTemplate.aggregate, or a JPQL @Query)");
		}
		try {
			return plan(method, parsed, shape);
		}
		catch (Refusal ex) {
			return new GroupedQuery("its grouped or aggregate @Query " + ex.getMessage());
		}
	}

	private static boolean isAggregate(QueryText query) {
		if (query.clause("group") >= 0 || query.clause("having") >= 0) {
			return true;
		}
		int select = query.clause("select");
		int from = query.clause("from");
		if (select < 0) {
			return false;
		}
		int end = (from > select) ? from : query.clauseEnd(select);
		for (List<Token> item : query.split(select + 1, end)) {
			if (!containsWord(item, "select") && aggregateAt(item) >= 0) {
				return true;
			}
		}
		return false;
	}

	/** Whether a query selects one ungrouped {@code count(...)} and nothing else. */
	private static boolean isSingleCount(QueryText query) {
		int from = query.clause("from");
		if (query.clause("select") != 0 || from < 0 || query.clause("group") >= 0 || query.clause("having") >= 0) {
			return false;
		}
		List<List<Token>> items = query.split(1, from);
		if (items.size() != 1) {
			return false;
		}
		List<Token> item = items.get(0);
		return item.size() >= 3 && item.get(0).isWord("count") && item.get(1).is("(")
				&& !item.get(2).isWord("distinct") && SelectItem.closesAt(item, item.size() - 1);
	}

	/**
	 * Whether a query only asks whether rows exist ({@code select count(x) > 0 ...}, not
	 * grouped): any shard's {@code true} is the answer, as for every boolean.
	 */
	private static boolean isExistence(QueryText query) {
		int from = query.clause("from");
		if (query.clause("select") != 0 || from < 0 || query.clause("group") >= 0 || query.clause("having") >= 0) {
			return false;
		}
		List<List<Token>> items = query.split(1, from);
		if (items.size() != 1) {
			return false;
		}
		List<Token> item = items.get(0);
		int size = item.size();
		return size >= 6 && item.get(0).isWord("count") && item.get(1).is("(") && item.get(size - 3).is(")")
				&& item.get(size - 2).is(">") && item.get(size - 1).text().equals("0")
				&& SelectItem.closesAt(item, size - 3);
	}

	private static GroupedQuery plan(Method method, QueryText query, RepositoryMethod.Shape shape) {
		int select = query.clause("select");
		int from = query.clause("from");
		if (select != 0 || from < 0) {
			throw new Refusal("does not start with SELECT ... FROM, so Shardwise cannot read it" + WHAT_TO_DO);
		}
		for (String clause : List.of("union", "intersect", "except")) {
			if (query.clause(clause) >= 0) {
				throw new Refusal("combines queries with " + clause.toUpperCase(Locale.ROOT) + WHAT_TO_DO);
			}
		}
		if (query.clause("having") >= 0) {
			throw new Refusal("filters groups with HAVING, which Shardwise cannot apply to groups merged across "
					+ "shards (use ShardedJdbcTemplate.aggregate and filter the merged rows)");
		}
		for (String clause : List.of("limit", "offset", "fetch", "window")) {
			if (query.clause(clause) >= 0) {
				throw new Refusal("has a " + clause.toUpperCase(Locale.ROOT) + " clause" + WHAT_TO_DO);
			}
		}
		for (Token token : query.tokens) {
			if (token.type() == Type.SPEL) {
				throw new Refusal("uses a SpEL expression, which Shardwise does not evaluate" + WHAT_TO_DO);
			}
		}
		int first = select + 1;
		boolean distinct = first < from && query.tokens.get(first).isWord("distinct");
		if (distinct) {
			first++;
		}
		if (first < from && query.tokens.get(first).isWord("new")) {
			throw new Refusal("builds rows with a constructor expression (select new ...), which Shardwise does not "
					+ "rebuild; select the values and return Object[] rows" + WHAT_TO_DO);
		}
		List<SelectItem> items = new ArrayList<>();
		for (List<Token> tokens : query.split(first, from)) {
			items.add(SelectItem.of(query, tokens));
		}
		int groupBy = query.clause("group");
		List<List<Token>> groupItems = (groupBy >= 0) ? query.split(groupBy + 2, query.clauseEnd(groupBy + 1))
				: List.of();

		// The shard query's columns, and how each output column comes from them.
		List<String> shardItems = new ArrayList<>();
		List<Function> shardFunctions = new ArrayList<>();
		List<Column> columns = new ArrayList<>();
		List<Integer> keys = new ArrayList<>();
		for (SelectItem item : items) {
			if (item.function == null) {
				if (groupItems.stream().noneMatch(item::matches)) {
					throw new Refusal("selects " + item.text + ", which is neither an aggregate nor a GROUP BY item, "
							+ "so Shardwise cannot tell its groups apart" + WHAT_TO_DO);
				}
				keys.add(shardItems.size());
				columns.add(new Column(Function.KEY, shardItems.size(), -1));
				// With its alias: GROUP BY may refer to it.
				shardItems.add(item.text);
				shardFunctions.add(Function.KEY);
			}
			else if (item.function == Function.AVG) {
				columns.add(new Column(Function.AVG, shardItems.size(), shardItems.size() + 1));
				shardItems.add("sum(" + item.argument + ")");
				shardFunctions.add(Function.SUM);
				shardItems.add("count(" + item.argument + ")");
				shardFunctions.add(Function.COUNT);
			}
			else {
				columns.add(new Column(item.function, shardItems.size(), -1));
				shardItems.add(item.text);
				shardFunctions.add(item.function);
			}
		}
		for (List<Token> groupItem : groupItems) {
			if (items.stream().noneMatch((item) -> item.function == null && item.matches(groupItem))) {
				throw new Refusal("groups by " + (groupItem.isEmpty() ? "nothing" : query.text(groupItem))
						+ ", which it does not select, so Shardwise cannot tell its groups apart; select it too"
						+ WHAT_TO_DO);
			}
		}
		List<OrderItem> order = orderItems(query, items);
		int orderBy = query.clause("order");
		String rest = query.text.substring(query.tokens.get(from).start(),
				(orderBy >= 0) ? query.tokens.get(orderBy).start() : query.text.length()).strip();
		String shardQuery = "select " + String.join(", ", shardItems) + " " + rest;

		ResolvableType returnType = ResolvableType.forMethodReturnType(method);
		Result result = Result.of(shape, returnType);
		if (result == null) {
			throw new Refusal("is merged only into a List, Collection, Iterable, Set, Streamable, Optional or single "
					+ "result, but the method returns " + method.getReturnType().getSimpleName());
		}
		Class<?> elementType = elementType(result, returnType, items);
		List<String> projectionAliases = isProjection(elementType)
				? items.stream().map((item) -> item.alias).toList() : null;
		List<Binding> bindings = bindings(method, query);
		return new GroupedQuery(null, shardQuery, List.copyOf(columns), shardFunctions.toArray(new Function[0]),
				keys.stream().mapToInt(Integer::intValue).toArray(), order, bindings, result, elementType,
				projectionAliases);
	}

	private static List<OrderItem> orderItems(QueryText query, List<SelectItem> items) {
		int orderBy = query.clause("order");
		if (orderBy < 0) {
			return List.of();
		}
		List<OrderItem> order = new ArrayList<>();
		for (List<Token> tokens : query.split(orderBy + 2, query.clauseEnd(orderBy + 1))) {
			List<Token> expression = new ArrayList<>(tokens);
			Sort.NullHandling nulls = Sort.NullHandling.NATIVE;
			int size = expression.size();
			if (size > 2 && expression.get(size - 2).isWord("nulls")) {
				Token which = expression.get(size - 1);
				nulls = which.isWord("first") ? Sort.NullHandling.NULLS_FIRST
						: which.isWord("last") ? Sort.NullHandling.NULLS_LAST : null;
				expression = expression.subList(0, size - 2);
			}
			boolean descending = false;
			size = expression.size();
			if (size > 1 && (expression.get(size - 1).isWord("asc") || expression.get(size - 1).isWord("desc"))) {
				descending = expression.get(size - 1).isWord("desc");
				expression = expression.subList(0, size - 1);
			}
			int column = -1;
			for (int i = 0; i < items.size() && column < 0 && nulls != null; i++) {
				if (items.get(i).matches(expression)) {
					column = i;
				}
			}
			if (column < 0) {
				throw new Refusal("orders by " + (tokens.isEmpty() ? "nothing" : query.text(tokens))
						+ ", which is not a selected value that Shardwise can sort merged rows by; order by a "
						+ "selected value or its alias" + WHAT_TO_DO);
			}
			order.add(new OrderItem(column, descending, nulls));
		}
		return List.copyOf(order);
	}

	private static Class<?> elementType(Result result, ResolvableType returnType, List<SelectItem> items) {
		ResolvableType type = switch (result) {
			case LIST, SET, STREAMABLE -> returnType.as(Iterable.class).getGeneric(0);
			case OPTIONAL -> returnType.getGeneric(0);
			case SINGLE -> returnType;
		};
		Class<?> element = ClassUtils.resolvePrimitiveIfNecessary(type.toClass());
		int columns = items.size();
		if (element == Object[].class || element == Object.class) {
			return element;
		}
		if (columns == 1 && isValue(element)) {
			return element;
		}
		if (isProjection(element)) {
			for (SelectItem item : items) {
				if (item.alias == null) {
					throw new Refusal("selects " + item.text + " without an alias, but rows become "
							+ element.getSimpleName() + " projections, whose properties are the aliases; add "
							+ "'as <property>'");
				}
			}
			return element;
		}
		throw new Refusal("selects " + columns + " value" + ((columns == 1) ? "" : "s") + " per row, which Shardwise "
				+ "merges into Object[] rows, one value per row when one is selected, or interface projections, but "
				+ "the method declares " + element.getSimpleName() + WHAT_TO_DO);
	}

	/** An interface projection (not a JDK, JPA or Spring type), built over the row's aliases. */
	private static boolean isProjection(Class<?> type) {
		String name = type.getName();
		return type.isInterface() && !name.startsWith("java.") && !name.startsWith("jakarta.")
				&& !name.startsWith("org.springframework.");
	}

	private static boolean isValue(Class<?> type) {
		return Number.class.isAssignableFrom(type) || type == String.class || type == Boolean.class
				|| type == Character.class || type.isEnum() || Comparable.class.isAssignableFrom(type)
						&& type.getName().startsWith("java.");
	}

	private static List<Binding> bindings(Method method, QueryText query) {
		Parameter[] parameters = method.getParameters();
		for (Parameter parameter : parameters) {
			String type = parameter.getType().getName();
			if (type.startsWith("org.springframework.data.domain.")) {
				throw new Refusal("takes a " + parameter.getType().getSimpleName() + " argument, which Shardwise does "
						+ "not apply to groups merged across shards (order with ORDER BY in the query)" + WHAT_TO_DO);
			}
		}
		Map<String, Binding> bindings = new LinkedHashMap<>();
		List<Token> tokens = query.tokens;
		for (int i = 0; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			if (token.type() != Type.PARAMETER) {
				continue;
			}
			if ((i > 0 && tokens.get(i - 1).is("%")) || (i + 1 < tokens.size() && tokens.get(i + 1).is("%"))) {
				throw new Refusal("uses Spring Data's LIKE shorthand (%" + token.text() + "%), which Shardwise does "
						+ "not expand; pass the pattern or use concat()" + WHAT_TO_DO);
			}
			String name = token.text().substring(1);
			if (name.isEmpty()) {
				throw new Refusal("has an unnumbered parameter '?'; number it (?1)" + WHAT_TO_DO);
			}
			if (token.text().charAt(0) == '?') {
				int position = Integer.parseInt(name);
				if (position < 1 || position > parameters.length) {
					throw new Refusal("refers to parameter " + token.text() + ", but the method has "
							+ parameters.length + " parameters");
				}
				bindings.putIfAbsent(token.text(), new Binding(null, position, position - 1));
			}
			else {
				int index = parameterIndex(parameters, name);
				if (index < 0) {
					throw new Refusal("refers to parameter :" + name + ", which names no method parameter (annotate "
							+ "it @Param(\"" + name + "\") or compile with -parameters)");
				}
				bindings.putIfAbsent(token.text(), new Binding(name, -1, index));
			}
		}
		return List.copyOf(bindings.values());
	}

	private static int parameterIndex(Parameter[] parameters, String name) {
		for (int i = 0; i < parameters.length; i++) {
			Object value = MergedAnnotations.from(parameters[i]).get(JPA_PARAM).getValue("value").orElse(null);
			if (name.equals(value)) {
				return i;
			}
		}
		for (int i = 0; i < parameters.length; i++) {
			if (parameters[i].isNamePresent() && parameters[i].getName().equals(name)) {
				return i;
			}
		}
		return -1;
	}

	/** Index of the aggregate call an item starts with, 0, or -1 if it has none. */
	private static int aggregateAt(List<Token> item) {
		for (int i = 0; i + 1 < item.size(); i++) {
			Token token = item.get(i);
			if (token.type() == Type.WORD && AGGREGATES.contains(token.lower()) && item.get(i + 1).is("(")) {
				return i;
			}
		}
		return -1;
	}

	private static boolean containsWord(List<Token> tokens, String word) {
		return tokens.stream().anyMatch((token) -> token.isWord(word));
	}

	/**
	 * Return why this query cannot be merged across shards.
	 * @return the reason, or {@code null} if it can
	 */
	String refusal() {
		return this.refusal;
	}

	/**
	 * Return the JPQL every shard runs.
	 * @return the shard query
	 */
	String shardQuery() {
		return this.shardQuery;
	}

	/**
	 * Return how the query's parameters bind to the method's arguments.
	 * @return the bindings
	 */
	List<Binding> bindings() {
		return this.bindings;
	}

	/**
	 * Merge the rows of every shard into the method's result.
	 * @param method the method, for messages
	 * @param shardRows the rows of the shard query, one list per shard, in shard order
	 * @param nulls where the shard databases place NULLs in an order without NULLS
	 * FIRST/LAST
	 * @return the result, shaped as the method declares it
	 */
	Object merge(String method, List<List<Object[]>> shardRows, EntityOrder.NullOrdering nulls) {
		Map<List<Object>, Object[]> groups = new LinkedHashMap<>();
		for (List<Object[]> rows : shardRows) {
			for (Object[] row : rows) {
				List<Object> key = new ArrayList<>(this.keys.length);
				for (int index : this.keys) {
					key.add(row[index]);
				}
				Object[] combined = groups.get(key);
				if (combined == null) {
					groups.put(key, row.clone());
				}
				else {
					for (int i = 0; i < combined.length; i++) {
						combined[i] = this.shardFunctions[i].combine(combined[i], row[i]);
					}
				}
			}
		}
		if (groups.isEmpty() && this.keys.length == 0) {
			// An ungrouped aggregate has one row even over no rows: counts 0, the rest NULL.
			Object[] empty = new Object[this.shardFunctions.length];
			for (int i = 0; i < empty.length; i++) {
				empty[i] = (this.shardFunctions[i] == Function.COUNT) ? (Object) 0L : null;
			}
			groups.put(List.of(), empty);
		}
		List<Object[]> rows = new ArrayList<>(groups.size());
		for (Object[] combined : groups.values()) {
			Object[] row = new Object[this.columns.size()];
			for (int i = 0; i < row.length; i++) {
				Column column = this.columns.get(i);
				row[i] = (column.function == Function.AVG) ? average(combined[column.index], combined[column.count])
						: combined[column.index];
			}
			rows.add(row);
		}
		if (!this.order.isEmpty()) {
			rows.sort(comparator(nulls));
		}
		return shape(method, rows);
	}

	private Object shape(String method, List<Object[]> rows) {
		List<Object> elements = new ArrayList<>(rows.size());
		for (Object[] row : rows) {
			elements.add(element(row));
		}
		return switch (this.result) {
			case LIST -> elements;
			case SET -> new LinkedHashSet<>(elements);
			case STREAMABLE -> Streamable.of(elements);
			case OPTIONAL -> Optional.ofNullable(single(method, elements));
			case SINGLE -> single(method, elements);
		};
	}

	private Object element(Object[] row) {
		if (this.projectionAliases != null) {
			Map<String, Object> values = new LinkedCaseInsensitiveMap<>(row.length);
			for (int i = 0; i < row.length; i++) {
				values.put(this.projectionAliases.get(i), row[i]);
			}
			return PROJECTIONS.createProjection(this.elementType, values);
		}
		if (this.elementType == Object[].class || (this.elementType == Object.class && row.length > 1)) {
			return row;
		}
		Object value = row[0];
		if (value == null || this.elementType.isInstance(value)) {
			return value;
		}
		ConversionService conversion = DefaultConversionService.getSharedInstance();
		return conversion.convert(value, this.elementType);
	}

	private Object single(String method, List<Object> elements) {
		if (elements.size() > 1) {
			throw new IncorrectResultSizeDataAccessException(
					method + " expects one result but the groups merged across shards are " + elements.size(), 1,
					elements.size());
		}
		if (elements.isEmpty()) {
			return null;
		}
		Object element = elements.get(0);
		// Spring Data JPA answers a single row of several values declared Object[] as an
		// array holding that row (on one database too): keep that shape.
		return (this.elementType == Object[].class && this.columns.size() > 1) ? new Object[] { element } : element;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private Comparator<Object[]> comparator(EntityOrder.NullOrdering nulls) {
		Comparator<Object[]> comparator = (a, b) -> 0;
		for (OrderItem item : this.order) {
			boolean nullsFirst = nulls.nullsFirst(item.nulls, item.descending);
			comparator = comparator.thenComparing((a, b) -> {
				Object x = a[item.column];
				Object y = b[item.column];
				if (x == null || y == null) {
					return (x == y) ? 0 : ((x == null) == nullsFirst) ? -1 : 1;
				}
				if (!(x instanceof Comparable)) {
					throw new ShardRoutingException("Cannot sort merged groups by a " + x.getClass().getName()
							+ ", which is not Comparable");
				}
				int result = ((Comparable) x).compareTo(y);
				return item.descending ? -result : result;
			});
		}
		return comparator;
	}

	private static Double average(Object sum, Object count) {
		if (sum == null || count == null || ((Number) count).longValue() == 0) {
			return null;
		}
		if (sum instanceof Double || sum instanceof Float) {
			return ((Number) sum).doubleValue() / ((Number) count).doubleValue();
		}
		return toDecimal(sum).divide(toDecimal(count), MathContext.DECIMAL64).doubleValue();
	}

	private static BigDecimal toDecimal(Object value) {
		if (value instanceof BigDecimal decimal) {
			return decimal;
		}
		if (value instanceof BigInteger integer) {
			return new BigDecimal(integer);
		}
		return BigDecimal.valueOf(((Number) value).longValue());
	}

	@Override
	public String toString() {
		return (this.refusal != null) ? "GroupedQuery[refused: " + this.refusal + "]"
				: "GroupedQuery[" + this.shardQuery + ", columns " + this.columns + ", keys "
						+ Arrays.toString(this.keys) + "]";
	}

	/**
	 * How a shard column combines across shards.
	 */
	enum Function {

		/** A group-by value: equal in every row of a group. */
		KEY,

		/** Counts add up. */
		COUNT,

		/** Sums add up, in the type the shards returned. */
		SUM,

		/** The smallest value, NULLs ignored. */
		MIN,

		/** The largest value, NULLs ignored. */
		MAX,

		/** Total sum over total count (an output column only). */
		AVG;

		static Function named(String name) {
			return valueOf(name.toUpperCase(Locale.ROOT));
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		Object combine(Object a, Object b) {
			if (this == KEY || a == null || b == null) {
				return (a != null) ? a : b;
			}
			return switch (this) {
				case COUNT, SUM -> add((Number) a, (Number) b);
				case MIN -> (((Comparable) a).compareTo(b) <= 0) ? a : b;
				case MAX -> (((Comparable) a).compareTo(b) >= 0) ? a : b;
				default -> throw new IllegalStateException(this + " is not a shard column");
			};
		}

		private static Number add(Number a, Number b) {
			if (a instanceof Long x && b instanceof Long y) {
				return Math.addExact(x, y);
			}
			if (a instanceof Integer x && b instanceof Integer y) {
				return Math.addExact(x, y);
			}
			if ((a instanceof Double || a instanceof Float) && (b instanceof Double || b instanceof Float)) {
				return (a instanceof Float && b instanceof Float) ? (Number) (a.floatValue() + b.floatValue())
						: (Number) (a.doubleValue() + b.doubleValue());
			}
			if (a instanceof BigInteger x && b instanceof BigInteger y) {
				return x.add(y);
			}
			if (a instanceof Double || a instanceof Float || b instanceof Double || b instanceof Float) {
				return a.doubleValue() + b.doubleValue();
			}
			return toDecimal(a).add(toDecimal(b));
		}

	}

	/**
	 * One column of the result.
	 *
	 * @param function how it is computed
	 * @param index the shard column it comes from (for an average, the sum)
	 * @param count for an average, the shard column of the count; otherwise -1
	 */
	record Column(Function function, int index, int count) {
	}

	/**
	 * One {@code ORDER BY} item.
	 *
	 * @param column the result column it sorts by
	 * @param descending whether descending
	 * @param nulls where NULLs go
	 */
	record OrderItem(int column, boolean descending, Sort.NullHandling nulls) {
	}

	/**
	 * How a query parameter gets its value.
	 *
	 * @param name the name of a named parameter, or {@code null}
	 * @param position the position of a positional parameter, or -1
	 * @param argument the index of the method argument that gives its value
	 */
	record Binding(String name, int position, int argument) {
	}

	/**
	 * The shape of the method's result.
	 */
	enum Result {

		LIST, SET, STREAMABLE, OPTIONAL, SINGLE;

		static Result of(RepositoryMethod.Shape shape, ResolvableType type) {
			return switch (shape) {
				case LIST -> (type.toClass().isAssignableFrom(List.class)
						|| type.toClass().isAssignableFrom(ArrayList.class)) ? LIST : null;
				case SET -> (type.toClass().isAssignableFrom(LinkedHashSet.class)) ? SET : null;
				case STREAMABLE -> (type.toClass() == Streamable.class) ? STREAMABLE : null;
				case OPTIONAL -> OPTIONAL;
				case NUMBER, OTHER -> (Collection.class.isAssignableFrom(type.toClass())
						|| Map.class.isAssignableFrom(type.toClass())) ? null : SINGLE;
				default -> null;
			};
		}

	}

	/** A select item: an aggregate call or a group-by value. */
	private static final class SelectItem {

		final String text;

		final String expression;

		final List<Token> tokens;

		final String alias;

		final Function function;

		final String argument;

		private SelectItem(String text, String expression, List<Token> tokens, String alias, Function function,
				String argument) {
			this.text = text;
			this.expression = expression;
			this.tokens = tokens;
			this.alias = alias;
			this.function = function;
			this.argument = argument;
		}

		static SelectItem of(QueryText query, List<Token> tokens) {
			if (tokens.isEmpty()) {
				throw new Refusal("has an empty select item" + WHAT_TO_DO);
			}
			String text = query.text(tokens);
			List<Token> expression = tokens;
			String alias = null;
			int size = tokens.size();
			Token last = tokens.get(size - 1);
			if (size >= 3 && tokens.get(size - 2).isWord("as") && last.type() == Type.WORD) {
				alias = last.text();
				expression = tokens.subList(0, size - 2);
			}
			else if (size >= 2 && last.type() == Type.WORD && !last.text().contains(".") && !last.isWord("end")) {
				Token previous = tokens.get(size - 2);
				if (previous.is(")") || previous.type() == Type.WORD || previous.type() == Type.STRING) {
					alias = last.text();
					expression = tokens.subList(0, size - 1);
				}
			}
			String expressionText = query.text(expression);
			if (containsWord(expression, "select")) {
				return new SelectItem(text, expressionText, expression, alias, null, null);
			}
			int aggregate = aggregateAt(expression);
			if (aggregate < 0) {
				return new SelectItem(text, expressionText, expression, alias, null, null);
			}
			if (aggregate != 0 || !closesAtEnd(expression)) {
				throw new Refusal("selects " + text + ", an aggregate inside an expression, which Shardwise cannot "
						+ "combine across shards; select the aggregate itself" + WHAT_TO_DO);
			}
			List<Token> inner = expression.subList(2, expression.size() - 1);
			if (inner.isEmpty()) {
				throw new Refusal("selects " + text + ", which Shardwise cannot read" + WHAT_TO_DO);
			}
			if (inner.get(0).isWord("distinct")) {
				throw new Refusal("selects " + text + ", a DISTINCT aggregate, which cannot be combined from "
						+ "per-shard results (a value may occur on several shards)" + WHAT_TO_DO);
			}
			if (aggregateAt(inner) >= 0) {
				throw new Refusal("selects " + text + ", a nested aggregate" + WHAT_TO_DO);
			}
			return new SelectItem(text, expressionText, expression, alias, Function.named(expression.get(0).text()),
					query.text(inner));
		}

		private static boolean closesAtEnd(List<Token> expression) {
			return closesAt(expression, expression.size() - 1);
		}

		/** Whether the parenthesis opened at index 1 closes at {@code end}. */
		static boolean closesAt(List<Token> expression, int end) {
			int depth = 0;
			for (int i = 1; i < expression.size(); i++) {
				Token token = expression.get(i);
				if (token.is("(")) {
					depth++;
				}
				else if (token.is(")")) {
					depth--;
					if (depth == 0) {
						return i == end;
					}
				}
			}
			return false;
		}

		boolean matches(List<Token> other) {
			return QueryText.same(this.tokens, other) || (this.alias != null && other.size() == 1
					&& other.get(0).type() == Type.WORD && other.get(0).text().equalsIgnoreCase(this.alias));
		}

	}

	/** Why a query cannot be merged; becomes the plan's refusal. */
	private static final class Refusal extends RuntimeException {

		Refusal(String message) {
			super(message, null, false, false);
		}

	}

}
