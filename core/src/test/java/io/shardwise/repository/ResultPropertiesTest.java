package io.shardwise.repository;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which row type a repository method returns, and which sort paths a merge can read from
 * it.
 */
class ResultPropertiesTest {

	@Test
	void rowTypeIsTheElementOfTheResult() throws NoSuchMethodException {
		assertThat(ResultProperties.elementType(Queries.class.getMethod("list", Sort.class))).isEqualTo(View.class);
		assertThat(ResultProperties.elementType(Queries.class.getMethod("page", Pageable.class))).isEqualTo(Dto.class);
		assertThat(ResultProperties.elementType(Queries.class.getMethod("stream"))).isEqualTo(Item.class);
		assertThat(ResultProperties.elementType(Queries.class.getMethod("optional"))).isEqualTo(View.class);
		assertThat(ResultProperties.elementType(Queries.class.getMethod("single"))).isEqualTo(Item.class);
		assertThat(ResultProperties.elementType(Queries.class.getMethod("rows"))).isEqualTo(Object[].class);
		// A dynamic projection: known only from the call's Class argument.
		assertThat(ResultProperties.elementType(Queries.class.getMethod("dynamic", Class.class))).isNull();
	}

	@Test
	void mergeReadsGettersRecordComponentsFieldsAndNestedPaths() {
		assertThat(ResultProperties.missingSegment(View.class, "name")).isNull();
		assertThat(ResultProperties.missingSegment(View.class, "total")).isEqualTo("total");
		assertThat(ResultProperties.missingSegment(WiderView.class, "name")).as("inherited getter").isNull();
		assertThat(ResultProperties.missingSegment(Dto.class, "total")).isNull();
		assertThat(ResultProperties.missingSegment(Dto.class, "id")).isEqualTo("id");
		assertThat(ResultProperties.missingSegment(Item.class, "owner.name")).isNull();
		assertThat(ResultProperties.missingSegment(Item.class, "owner.total")).isEqualTo("total");
		assertThat(ResultProperties.missingSegment(Object[].class, "id")).isEqualTo("id");
	}

	@Test
	void nativeColumnsIgnoreCaseAndQuotes() {
		assertThat(ResultProperties.NativeColumns.normalize("\"Total_Cents\"")).isEqualTo("total_cents");
		assertThat(ResultProperties.NativeColumns.normalize("`total_cents`")).isEqualTo("total_cents");
		assertThat(ResultProperties.NativeColumns.normalize("TOTAL_CENTS")).isEqualTo("total_cents");
	}

	interface View {

		String getName();

	}

	interface WiderView extends View {

		Long getId();

	}

	record Dto(String name, long total) {
	}

	static class Item {

		private Long id;

		private View owner;

		View getOwner() {
			return this.owner;
		}

	}

	interface Queries {

		List<View> list(Sort sort);

		Page<Dto> page(Pageable pageable);

		Stream<Item> stream();

		Optional<View> optional();

		Item single();

		List<Object[]> rows();

		<T> List<T> dynamic(Class<T> type);

	}

}
