package io.shardwise.repository;

import java.lang.reflect.Method;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.TypedQuery;
import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A deep page of a repository's {@code findAll(Pageable)} across shards, found without
 * each shard reading {@code offset + size} rows: the boundary search of
 * {@code ShardedJdbcTemplate.queryPage}, in JPQL.
 * <ol>
 * <li>Each shard returns the sort key of its row at {@code offset / N} (N shards); the
 * smallest, {@code m}, lies at or before the page.
 * <li>Each shard counts its rows before {@code m}, as {@code offset / N} minus its rows
 * between {@code m} and its own boundary (few when rows spread evenly); their sum
 * {@code r} is the global rank of {@code m}, at most {@code offset}.
 * <li>Each shard runs the repository method itself for its rows from its own position
 * of {@code m}, {@code offset - r + size} of them; merged in order, the page is those
 * after the first {@code offset - r}.
 * </ol>
 * The page's rows come from the repository method, so its entity graphs and query hints
 * apply; the first two rounds read only sort keys. It is exact because the order is total
 * (the id breaks ties) and compared the same way by the databases and in Java: it applies
 * only to sorts by non-null numeric or date-time attributes of the entity itself and a
 * numeric id, to a {@code findAll(Pageable)} without {@code @Query}, and from an offset
 * of {@value #DEPTH} pages per shard on. Anything else fans out as any page does.
 */
final class DeepPage {

	/** From how many pages per shard on the boundary search is used. */
	static final int DEPTH = 4;

	private final EntityManager entityManager;

	private final EntityManagerFactory entityManagerFactory;

	private final TransactionTemplate readOnly;

	private DeepPage(EntityManagerFactory entityManagerFactory, PlatformTransactionManager transactionManager) {
		this.entityManagerFactory = entityManagerFactory;
		this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
		this.readOnly = new TransactionTemplate(transactionManager);
		this.readOnly.setReadOnly(true);
	}

	/**
	 * Create the deep page search, or return {@code null} if the application's transaction
	 * manager is not a JPA one.
	 */
	static DeepPage of(PlatformTransactionManager transactionManager) {
		Object factory = (transactionManager instanceof ResourceTransactionManager resource)
				? resource.getResourceFactory() : null;
		return (factory instanceof EntityManagerFactory entityManagerFactory)
				? new DeepPage(entityManagerFactory, transactionManager) : null;
	}

	/**
	 * Find a page by the boundary search, or return {@code null} when it does not apply to
	 * this page (shallow, or sorted by attributes it cannot compare exactly).
	 * @param domainType the entity class
	 * @param pageable the page asked for
	 * @param sort its order, ending with the id
	 * @param order the same order, comparing entities
	 * @param shards the shards
	 * @param executor runs the shard calls
	 * @param what the method, for messages and observation
	 * @param fetch runs the repository method on a shard with a pageable
	 * @return the page, or {@code null}
	 */
	Page<Object> find(Class<?> domainType, Pageable pageable, Sort sort, Comparator<Object> order, List<Shard> shards,
			FanOutExecutor executor, String what, Fetch fetch) {
		int n = shards.size();
		if (!pageable.isPaged() || n < 2 || pageable.getOffset() < (long) DEPTH * n * pageable.getPageSize()) {
			return null;
		}
		Keys keys = Keys.of(this.entityManagerFactory, domainType, sort);
		if (keys == null) {
			return null;
		}
		int offset = (int) pageable.getOffset();
		int size = pageable.getPageSize();
		int perShard = offset / n;
		// 1. Each shard's row at offset / N.
		Map<Shard, List<Object[]>> bounds = executor.execute(ShardCallKind.FAN_OUT, what, shards,
				(shard) -> this.readOnly.execute((status) -> keys.at(this.entityManager, perShard)));
		Object[] least = null;
		for (List<Object[]> bound : bounds.values()) {
			if (!bound.isEmpty() && (least == null || keys.compare(bound.get(0), least) < 0)) {
				least = bound.get(0);
			}
		}
		if (least == null || bounds.size() < n) {
			// Fewer rows than the offset on every shard, or a shard missing under the partial
			// policy: the ordinary page is as cheap, and reports what is missing.
			return null;
		}
		Object[] m = least;
		// 2. Each shard's position of m: its rows before it.
		Map<Shard, Long> before = executor.execute(ShardCallKind.FAN_OUT, what, shards, (shard) -> {
			List<Object[]> bound = bounds.get(shard);
			if (bound.isEmpty()) {
				return this.readOnly.execute((status) -> keys.countBefore(this.entityManager, m));
			}
			Object[] own = bound.get(0);
			if (keys.compare(own, m) == 0) {
				return (long) perShard;
			}
			return perShard - this.readOnly.execute((status) -> keys.countBetween(this.entityManager, m, own));
		});
		long rank = 0;
		for (long count : before.values()) {
			rank += count;
		}
		if (before.size() < n || rank > offset) {
			// A shard missing, or rows written between the rounds: the ordinary page.
			return null;
		}
		int skip = (int) (offset - rank);
		// 3. From each shard, its rows from m on, through the repository method.
		Map<Shard, Page<?>> parts = executor.execute(ShardCallKind.FAN_OUT, what, shards,
				(shard) -> fetch.fetch(shard, new ShardOffset(before.get(shard), skip + size, sort)));
		if (parts.size() < n) {
			return null;
		}
		List<Object> rows = new ArrayList<>();
		long total = 0;
		for (Page<?> part : parts.values()) {
			rows.addAll(part.getContent());
			total += part.getTotalElements();
		}
		rows.sort(order);
		List<Object> content = (skip >= rows.size()) ? List.of()
				: new ArrayList<>(rows.subList(skip, Math.min(rows.size(), skip + size)));
		return new PageImpl<>(content, pageable, total);
	}

	/**
	 * Runs the repository method on one shard.
	 */
	@FunctionalInterface
	interface Fetch {

		Page<?> fetch(Shard shard, Pageable pageable) throws Throwable;

	}

	/**
	 * The sort key of an entity as JPQL reads and compares it: attribute names and
	 * directions, the last one the id.
	 */
	private record Keys(String entity, List<String> names, List<Boolean> ascending) {

		static Keys of(EntityManagerFactory factory, Class<?> domainType, Sort sort) {
			EntityType<?> type;
			try {
				type = factory.getMetamodel().entity(domainType);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
			List<String> names = new ArrayList<>();
			List<Boolean> ascending = new ArrayList<>();
			for (Sort.Order order : sort) {
				if (order.isIgnoreCase() || order.getNullHandling() != Sort.NullHandling.NATIVE
						|| order.getProperty().contains(".")) {
					return null;
				}
				Attribute<?, ?> attribute;
				try {
					attribute = type.getAttribute(order.getProperty());
				}
				catch (IllegalArgumentException ex) {
					return null;
				}
				if (!(attribute instanceof SingularAttribute<?, ?> singular) || !comparable(singular)) {
					return null;
				}
				names.add(order.getProperty());
				ascending.add(order.isAscending());
			}
			// The sort ends with the id (RepositoryResults.mergeSort): a total order.
			if (names.isEmpty() || !(type.getAttribute(names.get(names.size() - 1)) instanceof SingularAttribute<?, ?> id)
					|| !id.isId()) {
				return null;
			}
			return new Keys(type.getName(), List.copyOf(names), List.copyOf(ascending));
		}

		/**
		 * Whether the databases and Java order an attribute's values alike, and it is never
		 * null: numbers and date-times (not text, whose collation differs).
		 */
		private static boolean comparable(SingularAttribute<?, ?> attribute) {
			Class<?> javaType = attribute.getJavaType();
			boolean ordered = (javaType.isPrimitive() && javaType != boolean.class && javaType != char.class)
					|| Number.class.isAssignableFrom(javaType) && javaType.getName().startsWith("java.")
					|| Temporal.class.isAssignableFrom(javaType) && javaType.getName().startsWith("java.time.");
			return ordered && (attribute.isId() || javaType.isPrimitive() || !attribute.isOptional());
		}

		List<Object[]> at(EntityManager entityManager, int index) {
			StringBuilder jpql = new StringBuilder("select ");
			for (String name : this.names) {
				jpql.append("e.").append(name).append(", ");
			}
			// Always two items, so that rows are arrays.
			jpql.append("e.").append(this.names.get(this.names.size() - 1)).append(" from ").append(this.entity)
				.append(" e order by ");
			for (int i = 0; i < this.names.size(); i++) {
				jpql.append((i > 0) ? ", " : "").append("e.").append(this.names.get(i))
					.append(this.ascending.get(i) ? " asc" : " desc");
			}
			return entityManager.createQuery(jpql.toString(), Object[].class)
				.setFirstResult(index)
				.setMaxResults(1)
				.getResultList();
		}

		long countBefore(EntityManager entityManager, Object[] bound) {
			return count(entityManager, "(" + before("lo") + ")", bound, null);
		}

		long countBetween(EntityManager entityManager, Object[] low, Object[] high) {
			// At or after low (not before it), and before high.
			return count(entityManager, "not (" + before("lo") + ") and (" + before("hi") + ")", low, high);
		}

		private long count(EntityManager entityManager, String where, Object[] low, Object[] high) {
			TypedQuery<Long> query = entityManager
				.createQuery("select count(e) from " + this.entity + " e where " + where, Long.class);
			for (int i = 0; i < this.names.size(); i++) {
				query.setParameter("lo" + i, low[i]);
				if (high != null) {
					query.setParameter("hi" + i, high[i]);
				}
			}
			return query.getSingleResult();
		}

		/** Rows strictly before the bound named {@code prefix}0, 1, ... in the order. */
		private String before(String prefix) {
			StringBuilder or = new StringBuilder();
			for (int i = 0; i < this.names.size(); i++) {
				or.append((i > 0) ? " or (" : "(");
				for (int j = 0; j < i; j++) {
					or.append("e.").append(this.names.get(j)).append(" = :").append(prefix).append(j).append(" and ");
				}
				or.append("e.").append(this.names.get(i))
					.append(this.ascending.get(i) ? " < :" : " > :")
					.append(prefix)
					.append(i)
					.append(")");
			}
			return or.toString();
		}

		@SuppressWarnings({ "unchecked", "rawtypes" })
		int compare(Object[] a, Object[] b) {
			for (int i = 0; i < this.names.size(); i++) {
				int compared = ((Comparable) a[i]).compareTo(b[i]);
				if (compared != 0) {
					return this.ascending.get(i) ? compared : -compared;
				}
			}
			return 0;
		}

	}

	/**
	 * A pageable that starts at any offset: a shard's own position of the boundary.
	 */
	private record ShardOffset(long offset, int size, Sort sort) implements Pageable {

		@Override
		public int getPageNumber() {
			return (int) (this.offset / this.size);
		}

		@Override
		public int getPageSize() {
			return this.size;
		}

		@Override
		public long getOffset() {
			return this.offset;
		}

		@Override
		public Sort getSort() {
			return this.sort;
		}

		@Override
		public Pageable next() {
			return new ShardOffset(this.offset + this.size, this.size, this.sort);
		}

		@Override
		public Pageable previousOrFirst() {
			return new ShardOffset(Math.max(0, this.offset - this.size), this.size, this.sort);
		}

		@Override
		public Pageable first() {
			return new ShardOffset(0, this.size, this.sort);
		}

		@Override
		public Pageable withPage(int pageNumber) {
			return new ShardOffset((long) pageNumber * this.size, this.size, this.sort);
		}

		@Override
		public boolean hasPrevious() {
			return this.offset > 0;
		}

	}

}
