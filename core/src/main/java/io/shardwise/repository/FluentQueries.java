package io.shardwise.repository;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.fanout.SortedMerge;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRoutingException;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.core.ResolvableType;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.SliceImpl;
import org.springframework.data.domain.Sort;
import org.springframework.data.repository.query.FluentQuery;
import org.springframework.util.ReflectionUtils;

/**
 * Runs a fluent query ({@code findBy(Example, Function)}, {@code findBy(Specification,
 * Function)}) on several shards and merges it exactly. The query function hides what it
 * asks for, so it runs three times:
 * <ol>
 * <li>before any shard, on a recording query, until its terminal operation (which ends
 * the recording): the order, limit and projection it asks for are checked there, as for
 * any fan-out;
 * <li>on every shard, replayed on the shard's real query, with the id added to its order
 * and a page widened to its first {@code offset + size} rows; each shard returns the
 * terminal operation's own result;
 * <li>once more, on a query whose terminal operation returns the merged result, so that
 * whatever the function does with it applies to the merged result.
 * </ol>
 * Merges: {@code count()} sums, {@code exists()} ORs, {@code all()}, {@code first()} and
 * {@code page()}/{@code slice()} merge in the query's order, {@code one()} expects at most
 * one shard's row. {@code stream()} and {@code scroll()} are refused before any shard runs.
 * The function must ask for the same query each time it runs.
 */
final class FluentQueries {

	private final Class<?> domainType;

	private final String idProperty;

	private final SortProperties sortProperties;

	private final ResultProperties resultProperties;

	FluentQueries(Class<?> domainType, String idProperty, SortProperties sortProperties,
			ResultProperties resultProperties) {
		this.domainType = domainType;
		this.idProperty = idProperty;
		this.sortProperties = sortProperties;
		this.resultProperties = resultProperties;
	}

	/**
	 * Return whether a method takes a query function over a {@link FluentQuery}.
	 * @param method a repository method
	 * @return whether it is a fluent query
	 */
	static boolean isFluent(Method method) {
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (types[i] == Function.class) {
				Class<?> query = ResolvableType.forMethodParameter(method, i).getGeneric(0).resolve();
				if (query != null && FluentQuery.class.isAssignableFrom(query)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Run a fluent query on shards and merge the answers.
	 * @param plan the method
	 * @param invocation the call
	 * @param shards the shards to run on
	 * @param executor runs the shard calls
	 * @param nulls where the shards sort NULLs
	 * @return the query function's result over the merged answer
	 */
	@SuppressWarnings("unchecked")
	Object fanOut(RepositoryMethod plan, ProxyMethodInvocation invocation, List<Shard> shards, FanOutExecutor executor,
			EntityOrder.NullOrdering nulls) {
		Object[] args = invocation.getArguments();
		int index = functionIndex(plan.method());
		Function<Object, Object> function = (Function<Object, Object>) args[index];
		Class<?> queryType = ResolvableType.forMethodParameter(plan.method(), index).getGeneric(0).resolve();
		Recording recording = Recording.of(plan, function, queryType);
		Terminal terminal = recording.terminal(plan);
		Pageable pageable = terminal.paged() ? (Pageable) recording.terminalArgs[0] : null;
		Sort requested = switch (terminal) {
			case PAGE -> pageable.isPaged() ? pageable.getSortOr(recording.sort) : pageable.getSort();
			case SLICE -> pageable.getSort();
			default -> recording.sort;
		};
		boolean ordered = terminal == Terminal.ALL || terminal == Terminal.FIRST || terminal.paged();
		Sort shardSort = null;
		Comparator<Object> order = null;
		if (ordered && (requested.isSorted() || (pageable != null && pageable.isPaged()))) {
			boolean tiebreak = this.idProperty != null && requested.getOrderFor(this.idProperty) == null;
			Sort sort = this.sortProperties.check(plan, tiebreak ? requested.and(Sort.by(this.idProperty)) : requested);
			Class<?> rows = (recording.resultType != null) ? recording.resultType : this.domainType;
			ResultProperties.Orders orders = this.resultProperties.orders(plan, rows, sort, tiebreak);
			shardSort = orders.shardSort();
			order = EntityOrder.of(orders.mergeSort(), nulls, EntityOrder.CaseFolding.LOWER);
		}
		Object[] terminalArgs = shardTerminalArgs(recording, pageable, shardSort);
		Sort sortBy = shardSort;
		Function<Object, Object> replay = (query) -> recording.replay(query, sortBy, terminalArgs);
		Object[] shardArgs = args.clone();
		shardArgs[index] = replay;
		MethodInvocation call = invocation.invocableClone(shardArgs);
		Map<Shard, Object> results = executor.execute(ShardCallKind.FAN_OUT, plan.describe(), shards,
				(shard) -> ((ProxyMethodInvocation) call).invocableClone().proceed());
		Object merged = merge(plan, terminal, recording, pageable, new ArrayList<>(results.values()), order);
		return Recording.answer(plan, function, queryType, recording.terminalMethod, merged);
	}

	private static Object[] shardTerminalArgs(Recording recording, Pageable pageable, Sort shardSort) {
		Object[] terminalArgs = (recording.terminalArgs != null) ? recording.terminalArgs.clone() : new Object[0];
		if (pageable != null) {
			Sort sort = (shardSort != null) ? shardSort : pageable.getSort();
			terminalArgs[0] = pageable.isPaged() ? PageRequest.of(0, rowsUpTo(pageable), sort)
					: Pageable.unpaged(sort);
		}
		return terminalArgs;
	}

	@SuppressWarnings("unchecked")
	private Object merge(RepositoryMethod plan, Terminal terminal, Recording recording, Pageable pageable,
			List<Object> parts, Comparator<Object> order) {
		switch (terminal) {
			case COUNT:
				long count = 0;
				for (Object part : parts) {
					count += ((Number) part).longValue();
				}
				return count;
			case EXISTS:
				return parts.stream().anyMatch(Boolean.TRUE::equals);
			case ALL:
				return merged(lists(parts), order, recording.limit);
			case FIRST:
			case ONE:
				List<Object> found = new ArrayList<>();
				for (Object part : parts) {
					Object row = (part instanceof Optional<?> optional) ? optional.orElse(null) : part;
					if (row != null) {
						found.add(row);
					}
				}
				if (terminal == Terminal.ONE && found.size() > 1) {
					throw new IncorrectResultSizeDataAccessException(plan.describe() + " expects one result but "
							+ found.size() + " shards returned one", 1, found.size());
				}
				Object first = found.isEmpty() ? null : merged(found.stream().map(List::of).toList(), order, 1).get(0);
				return recording.terminalMethod.getReturnType() == Optional.class ? Optional.ofNullable(first) : first;
			case PAGE:
				List<List<Object>> contents = new ArrayList<>();
				long total = 0;
				for (Object part : parts) {
					Page<Object> page = (Page<Object>) part;
					contents.add(page.getContent());
					total += page.getTotalElements();
				}
				if (pageable.isUnpaged()) {
					return new PageImpl<>(merged(contents, order, recording.limit));
				}
				return new PageImpl<>(window(pageable, contents, order), pageable, total);
			case SLICE:
				List<List<Object>> slices = new ArrayList<>();
				boolean anyHasNext = false;
				int fetched = 0;
				for (Object part : parts) {
					Slice<Object> slice = (Slice<Object>) part;
					slices.add(slice.getContent());
					anyHasNext |= slice.hasNext();
					fetched += slice.getNumberOfElements();
				}
				if (pageable.isUnpaged()) {
					return new PageImpl<>(merged(slices, order, recording.limit));
				}
				boolean hasNext = anyHasNext || fetched > pageable.getOffset() + pageable.getPageSize();
				return new SliceImpl<>(window(pageable, slices, order), pageable, hasNext);
			default:
				throw new IllegalStateException("Unmerged terminal operation " + terminal);
		}
	}

	private static List<Object> merged(List<List<Object>> lists, Comparator<Object> order, int limit) {
		if (order != null) {
			return SortedMerge.merge(lists, order, limit);
		}
		List<Object> all = new ArrayList<>();
		lists.forEach(all::addAll);
		return (limit >= 0 && all.size() > limit) ? new ArrayList<>(all.subList(0, limit)) : all;
	}

	private static List<Object> window(Pageable pageable, List<List<Object>> contents, Comparator<Object> order) {
		long offset = pageable.getOffset();
		List<Object> first = merged(contents, order, rowsUpTo(pageable));
		return (first.size() > offset) ? new ArrayList<>(first.subList((int) offset, first.size())) : List.of();
	}

	private static int rowsUpTo(Pageable pageable) {
		return (int) Math.min(pageable.getOffset() + pageable.getPageSize(), Integer.MAX_VALUE);
	}

	@SuppressWarnings("unchecked")
	private static List<List<Object>> lists(List<Object> parts) {
		List<List<Object>> lists = new ArrayList<>(parts.size());
		parts.forEach((part) -> lists.add((List<Object>) part));
		return lists;
	}

	private static int functionIndex(Method method) {
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (types[i] == Function.class) {
				return i;
			}
		}
		throw new IllegalStateException(method + " takes no query function");
	}

	/**
	 * The terminal operations of a fluent query, by how their shard answers merge.
	 */
	private enum Terminal {

		COUNT, EXISTS, ALL, FIRST, ONE, PAGE, SLICE;

		boolean paged() {
			return this == PAGE || this == SLICE;
		}

	}

	/** Ends the recording run of a query function at its terminal operation. */
	private static final class Recorded extends RuntimeException {

		Recorded() {
			super(null, null, false, false);
		}

	}

	/**
	 * What a query function asked of its query: the calls before the terminal operation,
	 * and the terminal operation.
	 */
	private static final class Recording implements InvocationHandler {

		private final List<Method> chain = new ArrayList<>();

		private final List<Object[]> chainArgs = new ArrayList<>();

		private Sort sort = Sort.unsorted();

		private Method sortBy;

		private int limit = -1;

		private Class<?> resultType;

		private Method terminalMethod;

		private Object[] terminalArgs;

		static Recording of(RepositoryMethod plan, Function<Object, Object> function, Class<?> queryType) {
			Recording recording = new Recording();
			try {
				function.apply(proxy(queryType, recording));
			}
			catch (Recorded ex) {
				// The terminal operation was recorded: the function's run ends there.
			}
			if (recording.terminalMethod != null) {
				return recording;
			}
			throw new ShardRoutingException(plan.describe() + " would run on several shards, but its query "
					+ "function ran no terminal operation (count, exists, all, first, one, page or slice) on its "
					+ "query, so there is nothing to merge; pass a @ShardKey or select a shard");
		}

		Terminal terminal(RepositoryMethod plan) {
			String name = this.terminalMethod.getName();
			return switch (name) {
				case "count" -> Terminal.COUNT;
				case "exists" -> Terminal.EXISTS;
				case "all" -> Terminal.ALL;
				case "first", "firstValue" -> Terminal.FIRST;
				case "one", "oneValue" -> Terminal.ONE;
				case "page" -> Terminal.PAGE;
				case "slice" -> Terminal.SLICE;
				default -> throw new ShardRoutingException(plan.describe() + " would run on several shards, but "
						+ "its query function ends in " + name + "(), whose shard results Shardwise does not merge; "
						+ "end it in all(), page(Pageable) or slice(Pageable), or use a repository method returning "
						+ ("scroll".equals(name) ? "Window with a keyset ScrollPosition" : "Stream")
						+ ", or pass a @ShardKey or select a shard");
			};
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) {
			if (method.getDeclaringClass() == Object.class) {
				return objectMethod(proxy, method, args);
			}
			if (this.terminalMethod != null) {
				throw new IllegalStateException("The query function ran a second terminal operation");
			}
			if (FluentQuery.class.isAssignableFrom(method.getReturnType())) {
				switch (method.getName()) {
					case "sortBy" -> {
						this.sort = this.sort.and((Sort) args[0]);
						this.sortBy = method;
					}
					case "limit" -> {
						this.limit = (Integer) args[0];
						record(method, args);
					}
					case "as" -> {
						this.resultType = (Class<?>) args[0];
						record(method, args);
					}
					default -> record(method, args);
				}
				return proxy;
			}
			this.terminalMethod = method;
			this.terminalArgs = args;
			throw new Recorded();
		}

		private void record(Method method, Object[] args) {
			this.chain.add(method);
			this.chainArgs.add(args);
		}

		/** Ask a shard's query what was recorded, sorted by the shards' order. */
		Object replay(Object query, Sort shardSort, Object[] terminalArgs) {
			Object current = query;
			for (int i = 0; i < this.chain.size(); i++) {
				current = ReflectionUtils.invokeMethod(this.chain.get(i), current, this.chainArgs.get(i));
			}
			if (this.sortBy != null) {
				current = ReflectionUtils.invokeMethod(this.sortBy, current,
						(shardSort != null) ? shardSort : this.sort);
			}
			return ReflectionUtils.invokeMethod(this.terminalMethod, current, terminalArgs);
		}

		/** Run the query function on a query whose terminal operation returns the merged answer. */
		static Object answer(RepositoryMethod plan, Function<Object, Object> function, Class<?> queryType,
				Method terminal, Object merged) {
			InvocationHandler answering = (proxy, method, args) -> {
				if (method.getDeclaringClass() == Object.class) {
					return objectMethod(proxy, method, args);
				}
				if (FluentQuery.class.isAssignableFrom(method.getReturnType())) {
					return proxy;
				}
				if (!method.getName().equals(terminal.getName())) {
					throw new IllegalStateException(plan.describe() + ": the query function ran " + method.getName()
							+ "() after recording " + terminal.getName() + "(); a query function that runs on "
							+ "several shards must ask for the same query each time");
				}
				return merged;
			};
			return function.apply(proxy(queryType, answering));
		}

		private static Object proxy(Class<?> queryType, InvocationHandler handler) {
			return Proxy.newProxyInstance(queryType.getClassLoader(), new Class<?>[] { queryType }, handler);
		}

		private static Object objectMethod(Object proxy, Method method, Object[] args) {
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "Shardwise fan-out query";
			};
		}

	}

}
