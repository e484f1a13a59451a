package io.shardwise.fanout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges lists that are each sorted by the same order into one sorted list, the way a
 * sorted fan-out combines the answers of its shards. Equal elements keep the order of
 * their lists (earlier list first), so ties are broken deterministically by shard order.
 */
public final class SortedMerge {

	/** Up to how many lists are merged by comparing every head. */
	private static final int FEW_LISTS = 8;

	private SortedMerge() {
	}

	/**
	 * Merge sorted lists.
	 * @param <T> the element type
	 * @param sortedLists the lists, each sorted by {@code order}
	 * @param order the order
	 * @param limit the most elements to return, or a negative number for all
	 * @return the first {@code limit} elements of the merged order
	 */
	public static <T> List<T> merge(List<? extends List<? extends T>> sortedLists, Comparator<? super T> order,
			int limit) {
		if (sortedLists.size() <= FEW_LISTS) {
			return mergeFew(sortedLists, order, limit);
		}
		List<Origin> origins = mergeOrigins(sortedLists, order, limit);
		List<T> merged = new ArrayList<>(origins.size());
		for (Origin origin : origins) {
			merged.add(sortedLists.get(origin.list()).get(origin.index()));
		}
		return merged;
	}

	/**
	 * Merge a few lists by comparing their heads: for a fan-out's handful of shards as
	 * few comparisons as a heap, and nothing allocated but the result.
	 */
	private static <T> List<T> mergeFew(List<? extends List<? extends T>> sortedLists, Comparator<? super T> order,
			int limit) {
		int lists = sortedLists.size();
		int[] next = new int[lists];
		int total = 0;
		for (List<? extends T> list : sortedLists) {
			total += list.size();
		}
		int size = (limit < 0) ? total : Math.min(limit, total);
		List<T> merged = new ArrayList<>(size);
		while (merged.size() < size) {
			int smallest = -1;
			T head = null;
			for (int i = 0; i < lists; i++) {
				List<? extends T> list = sortedLists.get(i);
				if (next[i] < list.size()) {
					T candidate = list.get(next[i]);
					// Strictly smaller: on a tie the earlier list wins.
					if (smallest < 0 || order.compare(candidate, head) < 0) {
						smallest = i;
						head = candidate;
					}
				}
			}
			merged.add(head);
			next[smallest]++;
		}
		return merged;
	}

	/**
	 * Merge sorted lists, returning where each merged element came from.
	 * @param <T> the element type
	 * @param sortedLists the lists, each sorted by {@code order}
	 * @param order the order
	 * @param limit the most elements to return, or a negative number for all
	 * @return list and index of each element of the merged order
	 */
	public static <T> List<Origin> mergeOrigins(List<? extends List<? extends T>> sortedLists,
			Comparator<? super T> order, int limit) {
		int total = 0;
		for (List<? extends T> list : sortedLists) {
			total += list.size();
		}
		int size = (limit < 0) ? total : Math.min(limit, total);
		Comparator<Origin> byElement = (a, b) -> {
			int result = order.compare(sortedLists.get(a.list()).get(a.index()), sortedLists.get(b.list()).get(b.index()));
			return (result != 0) ? result : Integer.compare(a.list(), b.list());
		};
		PriorityQueue<Origin> heads = new PriorityQueue<>(Math.max(1, sortedLists.size()), byElement);
		for (int i = 0; i < sortedLists.size(); i++) {
			if (!sortedLists.get(i).isEmpty()) {
				heads.add(new Origin(i, 0));
			}
		}
		List<Origin> merged = new ArrayList<>(size);
		while (merged.size() < size) {
			Origin head = heads.poll();
			merged.add(head);
			if (head.index() + 1 < sortedLists.get(head.list()).size()) {
				heads.add(new Origin(head.list(), head.index() + 1));
			}
		}
		return merged;
	}

	/**
	 * Where a merged element came from.
	 *
	 * @param list the position of its list
	 * @param index its position in that list
	 */
	public record Origin(int list, int index) {
	}

}
