package io.shardwise.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

import io.shardwise.fanout.SortedMerge;
import io.shardwise.routing.ShardRoutingException;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.KeysetScrollPosition;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.SliceImpl;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.util.Streamable;

/**
 * Prepares a repository call for several shards and merges their answers so that the
 * result equals what one database holding all rows would have returned.
 *
 * <ul>
 * <li>Sorted results ({@code Sort}, {@code Pageable} or {@code OrderBy} in the method
 * name) are k-way merged; {@code Top}/{@code First} N and {@code Limit} ask each shard
 * for at most N rows and keep the first N.
 * <li>{@code Page} and {@code Slice}: each shard returns its first {@code offset + size}
 * rows in the page's order (plus the id, so that ties are broken the same way every
 * time); the merge keeps the requested window, and a page's total is the sum of the
 * shards' totals.
 * <li>{@code Window} (keyset scrolling): a keyset position holds values, not offsets, so
 * the same position continues every shard; each shard returns at most the window size
 * and the merged window's positions come from the shards the rows came from.
 * <li>Counts and affected-row numbers are summed, booleans OR-ed; a single result must
 * come from at most one shard, unless it is the first of an order.
 * </ul>
 */
final class RepositoryResults {

	private RepositoryResults() {
	}

	/**
	 * Return the order in which to merge, or {@code null} if the results are unordered.
	 * Paged and scrolled results are always ordered, by the id at least. The id breaks
	 * ties only where the shards sort by it too: when the order comes in a {@code Sort} or
	 * {@code Pageable} argument (which {@link #shardArguments} extends) or in a keyset
	 * window (which Spring Data extends). An order that only the method name gives leaves
	 * ties in shard order.
	 * @param method the method
	 * @param args the call's arguments
	 * @param idProperty the entity's id property, or {@code null}
	 * @return the sort, or {@code null}
	 */
	static Sort mergeSort(RepositoryMethod method, Object[] args, String idProperty) {
		Sort sort = requestedSort(method, args);
		boolean paged = method.pageableIndex() >= 0 || method.shape() == RepositoryMethod.Shape.PAGE
				|| method.shape() == RepositoryMethod.Shape.SLICE || method.shape() == RepositoryMethod.Shape.WINDOW;
		if (!sort.isSorted() && !paged) {
			return null;
		}
		boolean shardsSortById = paged || method.sortIndex() >= 0;
		if (shardsSortById && idProperty != null && sort.getOrderFor(idProperty) == null) {
			sort = sort.and(Sort.by(idProperty));
		}
		return sort;
	}

	/**
	 * Return the order a call asks for: the method name's {@code OrderBy}, then its
	 * {@code Sort} or {@code Pageable} argument, without the id tiebreaker.
	 * @param method the method
	 * @param args the call's arguments
	 * @return the order, perhaps unsorted
	 */
	static Sort requestedSort(RepositoryMethod method, Object[] args) {
		Sort sort = method.derivedSort();
		if (method.sortIndex() >= 0 && args[method.sortIndex()] != null) {
			sort = sort.and((Sort) args[method.sortIndex()]);
		}
		if (method.pageableIndex() >= 0 && args[method.pageableIndex()] != null) {
			sort = sort.and(((Pageable) args[method.pageableIndex()]).getSort());
		}
		return sort;
	}

	/**
	 * Check the arguments of a call about to run on several shards.
	 * @param method the method
	 * @param args the arguments
	 * @throws ShardRoutingException if they ask for something that cannot be merged
	 */
	static void checkArguments(RepositoryMethod method, Object[] args) {
		if (method.pageableIndex() >= 0 && args[method.pageableIndex()] instanceof Pageable pageable
				&& pageable.isPaged() && pageable.getOffset() > Integer.MAX_VALUE) {
			// What Spring Data JPA answers on one database (JPA offsets are ints).
			throw new InvalidDataAccessApiUsageException(method.describe() + ": page offset " + pageable.getOffset()
					+ " exceeds Integer.MAX_VALUE");
		}
		if (method.scrollIndex() >= 0) {
			Object position = args[method.scrollIndex()];
			if (!(position instanceof KeysetScrollPosition keyset)) {
				throw new ShardRoutingException(method.describe() + " scrolls by offset across shards, which would "
						+ "re-read every earlier row on every shard; use ScrollPosition.keyset()");
			}
			if (keyset.scrollsBackward()) {
				throw new ShardRoutingException(
						method.describe() + " scrolls backward across shards, which is not supported yet");
			}
		}
	}

	/**
	 * Return the arguments each shard receives: a page becomes the first
	 * {@code offset + size} rows (computed in {@code long}, and at most
	 * {@code Integer.MAX_VALUE}, the most rows one query can return), and sorts gain the
	 * id tiebreaker.
	 * @param method the method
	 * @param args the call's arguments
	 * @param sort the merge sort, or {@code null}
	 * @return the arguments for every shard
	 */
	static Object[] shardArguments(RepositoryMethod method, Object[] args, Sort sort) {
		Object[] shardArgs = args.clone();
		if (method.sortIndex() >= 0 && sort != null) {
			shardArgs[method.sortIndex()] = sort;
		}
		if (method.pageableIndex() >= 0 && args[method.pageableIndex()] instanceof Pageable pageable) {
			Sort pageSort = (sort != null) ? sort : pageable.getSort();
			shardArgs[method.pageableIndex()] = pageable.isPaged()
					? PageRequest.of(0, rowsUpTo(pageable), pageSort) : Pageable.unpaged(pageSort);
		}
		return shardArgs;
	}

	/**
	 * Merge per-shard results.
	 * @param method the method
	 * @param args the call's (original) arguments
	 * @param parts the results, one per shard, in shard order
	 * @param order the merge order, or {@code null} if unordered
	 * @return the merged result
	 */
	@SuppressWarnings("unchecked")
	static Object merge(RepositoryMethod method, Object[] args, List<?> parts, Comparator<Object> order) {
		return switch (method.shape()) {
			case VOID -> null;
			case BOOLEAN -> parts.stream().anyMatch(Boolean.TRUE::equals);
			case NUMBER -> sum(method, parts);
			case SET -> new LinkedHashSet<>(mergeLists(method, args, lists(parts), order));
			case LIST -> mergeLists(method, args, lists(parts), order);
			case STREAMABLE -> Streamable.of(mergeLists(method, args, lists(parts), order));
			case OPTIONAL -> Optional.ofNullable(single(method, parts.stream()
				.map((part) -> ((Optional<Object>) part).orElse(null))
				.toList(), order));
			case PAGE -> page(method, args, parts, order);
			case SLICE -> slice(method, args, parts, order);
			case WINDOW -> window(method, args, parts, order);
			case STREAM -> throw new IllegalStateException("Streams are merged by StreamMerge");
			case FLUENT -> throw new IllegalStateException("Fluent queries are merged by FluentQueries");
			case OTHER -> single(method, parts, order);
		};
	}

	/**
	 * Return the result of a call that ran on no shard (an empty collection key).
	 * @param method the method
	 * @param args the call's arguments
	 * @return the empty result
	 */
	static Object empty(RepositoryMethod method, Object[] args) {
		if (method.grouped() != null && method.grouped().refusal() == null) {
			// What one database answers over no rows: no groups, or one row of count 0.
			return method.grouped().merge(method.describe(), List.of(), EntityOrder.NullOrdering.LOW);
		}
		return switch (method.shape()) {
			case PAGE -> new PageImpl<>(List.of(), pageable(method, args), 0);
			case SLICE -> new SliceImpl<>(List.of(), pageable(method, args), false);
			case WINDOW -> Window.from(List.of(), (index) -> {
				throw new IllegalStateException("Empty window has no positions");
			});
			case STREAM -> java.util.stream.Stream.empty();
			default -> merge(method, args, List.of(), null);
		};
	}

	private static Object sum(RepositoryMethod method, List<?> parts) {
		long sum = 0;
		for (Object part : parts) {
			sum += (part != null) ? ((Number) part).longValue() : 0;
		}
		Class<?> type = method.method().getReturnType();
		return (type == int.class || type == Integer.class) ? (Object) Math.toIntExact(sum) : (Object) sum;
	}

	private static List<Object> mergeLists(RepositoryMethod method, Object[] args, List<List<Object>> lists,
			Comparator<Object> order) {
		Pageable pageable = pageable(method, args);
		if (pageable.isPaged()) {
			// Each shard returned its first offset + size rows: cut the page out of the merge.
			return new ArrayList<>(window(pageable, lists, order));
		}
		int limit = limit(method, args);
		if (order != null) {
			return SortedMerge.merge(lists, order, limit);
		}
		List<Object> all = new ArrayList<>();
		lists.forEach(all::addAll);
		return (limit >= 0 && all.size() > limit) ? new ArrayList<>(all.subList(0, limit)) : all;
	}

	private static Object single(RepositoryMethod method, List<?> values, Comparator<Object> order) {
		List<Object> found = new ArrayList<>();
		for (Object value : values) {
			if (value != null) {
				found.add(value);
			}
		}
		if (found.isEmpty()) {
			return null;
		}
		if (order != null) {
			return SortedMerge.merge(found.stream().map(List::of).toList(), order, 1).get(0);
		}
		if (found.size() > 1 && method.maxResults() < 0) {
			throw new IncorrectResultSizeDataAccessException(
					method.describe() + " expects one result but " + found.size() + " shards returned one", 1,
					found.size());
		}
		return found.get(0);
	}

	private static Page<Object> page(RepositoryMethod method, Object[] args, List<?> parts, Comparator<Object> order) {
		Pageable pageable = pageable(method, args);
		List<List<Object>> contents = new ArrayList<>();
		long total = 0;
		for (Object part : parts) {
			Page<?> page = (Page<?>) part;
			contents.add(new ArrayList<>(page.getContent()));
			total += page.getTotalElements();
		}
		return new PageImpl<>(window(pageable, contents, order), pageable, total);
	}

	private static Slice<Object> slice(RepositoryMethod method, Object[] args, List<?> parts,
			Comparator<Object> order) {
		Pageable pageable = pageable(method, args);
		List<List<Object>> contents = new ArrayList<>();
		boolean anyHasNext = false;
		int fetched = 0;
		for (Object part : parts) {
			Slice<?> slice = (Slice<?>) part;
			contents.add(new ArrayList<>(slice.getContent()));
			anyHasNext |= slice.hasNext();
			fetched += slice.getNumberOfElements();
		}
		boolean hasNext = anyHasNext
				|| (pageable.isPaged() && fetched > pageable.getOffset() + pageable.getPageSize());
		return new SliceImpl<>(window(pageable, contents, order), pageable, hasNext);
	}

	private static List<Object> window(Pageable pageable, List<List<Object>> contents, Comparator<Object> order) {
		if (pageable.isUnpaged()) {
			return SortedMerge.merge(contents, order, -1);
		}
		long offset = pageable.getOffset();
		List<Object> first = SortedMerge.merge(contents, order, rowsUpTo(pageable));
		// A page beyond the rows of every shard is empty, as on one database.
		return (first.size() > offset) ? new ArrayList<>(first.subList((int) offset, first.size())) : List.of();
	}

	/**
	 * Return how many rows of the merged order end the page: {@code offset + size}, in
	 * {@code long} (both are ints, so the sum cannot overflow it), capped at
	 * {@code Integer.MAX_VALUE}, as many rows as a list (and a JPA query) can hold.
	 */
	private static int rowsUpTo(Pageable pageable) {
		return (int) Math.min(pageable.getOffset() + pageable.getPageSize(), Integer.MAX_VALUE);
	}

	private static Window<Object> window(RepositoryMethod method, Object[] args, List<?> parts,
			Comparator<Object> order) {
		List<Window<?>> windows = new ArrayList<>();
		List<List<Object>> contents = new ArrayList<>();
		boolean anyHasNext = false;
		int fetched = 0;
		for (Object part : parts) {
			Window<?> window = (Window<?>) part;
			windows.add(window);
			contents.add(new ArrayList<>(window.getContent()));
			anyHasNext |= window.hasNext();
			fetched += window.size();
		}
		int limit = limit(method, args);
		List<SortedMerge.Origin> origins = SortedMerge.mergeOrigins(contents, order, limit);
		List<Object> content = new ArrayList<>(origins.size());
		origins.forEach((origin) -> content.add(contents.get(origin.list()).get(origin.index())));
		boolean hasNext = anyHasNext || (limit >= 0 && fetched > limit);
		return Window.from(content, (index) -> {
			SortedMerge.Origin origin = origins.get(index);
			ScrollPosition position = windows.get(origin.list()).positionAt(origin.index());
			return position;
		}, hasNext);
	}

	static int limit(RepositoryMethod method, Object[] args) {
		if (method.limitIndex() >= 0 && args[method.limitIndex()] instanceof Limit limit && limit.isLimited()) {
			return (method.maxResults() >= 0) ? Math.min(limit.max(), method.maxResults()) : limit.max();
		}
		return method.maxResults();
	}

	private static Pageable pageable(RepositoryMethod method, Object[] args) {
		return (method.pageableIndex() >= 0 && args[method.pageableIndex()] != null)
				? (Pageable) args[method.pageableIndex()] : Pageable.unpaged();
	}

	@SuppressWarnings("unchecked")
	private static List<List<Object>> lists(List<?> parts) {
		List<List<Object>> lists = new ArrayList<>(parts.size());
		for (Object part : parts) {
			if (part instanceof List<?> list) {
				lists.add((List<Object>) list);
			}
			else if (part instanceof Collection<?> collection) {
				lists.add(new ArrayList<>(collection));
			}
			else {
				List<Object> list = new ArrayList<>();
				((Iterable<Object>) part).forEach(list::add);
				lists.add(list);
			}
		}
		return lists;
	}

}
