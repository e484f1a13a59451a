package io.shardwise.repository;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.shardwise.routing.ShardRoutingException;
import org.springframework.beans.BeanUtils;
import org.springframework.data.domain.Sort;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ReflectionUtils;

/**
 * Compares loaded entities (or projections) in the order a database returned them for a
 * Spring Data {@link Sort}, so that sorted shard answers can be merged. Reproduces what
 * the database does: its placement of NULLs for {@link Sort.NullHandling#NATIVE}, and
 * the case folding of the store's {@code ignoreCase} orders ({@link CaseFolding}). Text
 * compares by UTF-16 code units, as in H2 and in PostgreSQL's "C" collation.
 */
final class EntityOrder {

	private static final Map<Class<?>, Map<String, Accessor>> accessors = new ConcurrentReferenceHashMap<>();

	private EntityOrder() {
	}

	/**
	 * Return a comparator for a sort.
	 * @param sort the sort
	 * @param nulls where the database places NULLs
	 * @param folding how the store folds case for {@code ignoreCase} orders
	 * @return the comparator
	 */
	static Comparator<Object> of(Sort sort, NullOrdering nulls, CaseFolding folding) {
		List<Comparator<Object>> orders = new ArrayList<>();
		for (Sort.Order order : sort) {
			orders.add(comparator(order, nulls, folding));
		}
		return (a, b) -> {
			for (Comparator<Object> order : orders) {
				int result = order.compare(a, b);
				if (result != 0) {
					return result;
				}
			}
			return 0;
		};
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Comparator<Object> comparator(Sort.Order order, NullOrdering nulls, CaseFolding folding) {
		String path = order.getProperty();
		boolean descending = order.isDescending();
		boolean nullsFirst = nulls.nullsFirst(order.getNullHandling(), descending);
		CaseFolding fold = order.isIgnoreCase() ? folding : null;
		return (a, b) -> {
			Object x = value(a, path, fold);
			Object y = value(b, path, fold);
			if (x == null || y == null) {
				if (x == y) {
					return 0;
				}
				return ((x == null) == nullsFirst) ? -1 : 1;
			}
			if (!(x instanceof Comparable)) {
				// SortProperties refuses such orders before a fan-out; an order it could not
				// check (a @Query alias) must still not end in a ClassCastException.
				throw new ShardRoutingException("Cannot merge shard results by '" + path + "': its values ("
						+ x.getClass().getSimpleName() + ") are not Comparable; sort by one of their properties");
			}
			int result = ((Comparable) x).compareTo(y);
			return descending ? -result : result;
		};
	}

	/**
	 * Return whether an order reads a property of an associated entity, which a lazy
	 * association loads only while its shard's session is open.
	 * @param sort the order
	 * @return whether any of its properties is a nested path
	 */
	static boolean readsNested(Sort sort) {
		for (Sort.Order order : sort) {
			if (order.getProperty().indexOf('.') >= 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Read every value an order compares of a shard's results, so that lazy associations
	 * on its path are loaded while the shard's session is still open: the merge compares
	 * them after it closed.
	 * @param sort the order
	 * @param result a repository result (rows, a page, an optional or one row)
	 */
	static void load(Sort sort, Object result) {
		if (result instanceof Iterable<?> rows) {
			rows.forEach((row) -> load(sort, row));
		}
		else if (result instanceof java.util.Optional<?> optional) {
			optional.ifPresent((row) -> load(sort, row));
		}
		else if (result != null) {
			for (Sort.Order order : sort) {
				value(result, order.getProperty(), null);
			}
		}
	}

	private static Object value(Object target, String path, CaseFolding fold) {
		Object value = target;
		for (String property : path.split("\\.")) {
			if (value == null) {
				return null;
			}
			value = accessor(value.getClass(), property).read(value);
		}
		if (fold != null && value instanceof String text) {
			return fold.fold(text);
		}
		return value;
	}

	/**
	 * How a store's query folds case for an {@code ignoreCase} order, which the merge must
	 * do alike: the two disagree on the characters between the cases ({@code _} sorts
	 * before {@code a} but after {@code A}).
	 */
	enum CaseFolding {

		/** Spring Data JPA: {@code order by lower(...)}. */
		LOWER,

		/** Spring Data JDBC: {@code order by upper(...)}. */
		UPPER;

		String fold(String text) {
			return (this == LOWER) ? text.toLowerCase(Locale.ROOT) : text.toUpperCase(Locale.ROOT);
		}

	}

	private static Accessor accessor(Class<?> type, String property) {
		return accessors.computeIfAbsent(type, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(property, (key) -> Accessor.find(type, property));
	}

	private record Accessor(Method getter, Field field) {

		static Accessor find(Class<?> type, String property) {
			PropertyDescriptor descriptor = BeanUtils.getPropertyDescriptor(type, property);
			if (descriptor != null && descriptor.getReadMethod() != null) {
				ReflectionUtils.makeAccessible(descriptor.getReadMethod());
				return new Accessor(descriptor.getReadMethod(), null);
			}
			Field field = ReflectionUtils.findField(type, property);
			if (field == null) {
				throw new IllegalArgumentException("No property '" + property + "' on " + type.getName()
						+ " to merge shard results by");
			}
			ReflectionUtils.makeAccessible(field);
			return new Accessor(null, field);
		}

		Object read(Object target) {
			return (this.getter != null) ? ReflectionUtils.invokeMethod(this.getter, target)
					: ReflectionUtils.getField(this.field, target);
		}

	}

	/**
	 * Where a database places NULLs in an ORDER BY without NULLS FIRST/LAST.
	 */
	enum NullOrdering {

		/** NULLs sort as the lowest values (H2). */
		LOW,

		/** NULLs sort as the highest values (PostgreSQL, Oracle). */
		HIGH,

		/** NULLs first whatever the direction. */
		FIRST,

		/** NULLs last whatever the direction. */
		LAST;

		boolean nullsFirst(Sort.NullHandling handling, boolean descending) {
			if (handling == Sort.NullHandling.NULLS_FIRST) {
				return true;
			}
			if (handling == Sort.NullHandling.NULLS_LAST) {
				return false;
			}
			return switch (this) {
				case LOW -> !descending;
				case HIGH -> descending;
				case FIRST -> true;
				case LAST -> false;
			};
		}

		/**
		 * Ask the database behind a DataSource how it sorts NULLs.
		 * @param dataSource a shard's DataSource
		 * @return its NULL ordering
		 */
		static NullOrdering of(DataSource dataSource) {
			try (Connection connection = dataSource.getConnection()) {
				DatabaseMetaData metaData = connection.getMetaData();
				if (metaData.nullsAreSortedAtStart()) {
					return FIRST;
				}
				if (metaData.nullsAreSortedAtEnd()) {
					return LAST;
				}
				return metaData.nullsAreSortedHigh() ? HIGH : LOW;
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot read how the shard database sorts NULLs", ex);
			}
		}

	}

}
