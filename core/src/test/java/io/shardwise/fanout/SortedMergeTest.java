package io.shardwise.fanout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Merging sorted lists equals a stable sort of their concatenation, cut at the limit:
 * ties keep the order of the lists, for a few lists (heads compared) and for many (heap).
 */
class SortedMergeTest {

	/** Elements compare by key only; the tag shows which list and position they came from. */
	record Element(int key, String tag) {
	}

	private static final Comparator<Element> BY_KEY = Comparator.comparingInt(Element::key);

	@Test
	void mergeEqualsAStableSortOfTheConcatenation() {
		Random random = new Random(42);
		for (int round = 0; round < 2000; round++) {
			int lists = 1 + random.nextInt(16);
			List<List<Element>> sorted = new ArrayList<>();
			List<Element> all = new ArrayList<>();
			for (int l = 0; l < lists; l++) {
				List<Element> list = new ArrayList<>();
				int size = random.nextInt(6);
				for (int i = 0; i < size; i++) {
					list.add(new Element(random.nextInt(5), l + ":" + i));
				}
				list.sort(BY_KEY);
				sorted.add(list);
				all.addAll(list);
			}
			all.sort(BY_KEY);
			int limit = random.nextInt(all.size() + 3) - 1;
			List<Element> expected = (limit < 0) ? all : all.subList(0, Math.min(limit, all.size()));
			assertThat(SortedMerge.merge(sorted, BY_KEY, limit)).as("%d lists, limit %d", lists, limit)
				.containsExactlyElementsOf(expected);
			List<Element> fromOrigins = SortedMerge.mergeOrigins(sorted, BY_KEY, limit)
				.stream()
				.map((origin) -> sorted.get(origin.list()).get(origin.index()))
				.toList();
			assertThat(fromOrigins).containsExactlyElementsOf(expected);
		}
	}

}
