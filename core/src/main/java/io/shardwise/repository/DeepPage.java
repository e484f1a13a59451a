package io.shardwise.repository;

import java.lang.reflect.Method;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnitUtil;
import jakarta.persistence.TypedQuery;
import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
 * <li>Each shard returns the keys of its first {@code offset - r + size} rows from
 * {@code m} on; merged in order, the page is those after the first {@code offset - r},
 * which tells each shard's first row of the page and how many of its rows are in it.
 * <li>Each shard runs the repository method itself for just those rows (one at least,
 * for its count); merged in order, they are the page.
 * </ol>
 * On rows whose order clusters on some shards (time-ordered ids written at different
 * rates, say) {@code offset - r} grows towards {@code offset (N - 1) / N}. While it is
 * larger than {@value #REFINE_PAGES} pages (and {@value #REFINE_ROWS} rows), up to
 * {@value #MAX_REFINEMENTS} rounds between steps 2 and 3 move {@code m} closer: the gap
 * is shared out between the shards, half in proportion to their rows before {@code m} (a
 * guess that rows go on as they began) and half equally (for shards written to later),
 * each shard returns the key of its row that many rows after {@code m}, and the smallest
 * of those, counted exactly as in step 2, replaces {@code m} if it is not past the
 * offset. The guess decides only how much is read, never the page. A page past the last
 * row reads no rows but each shard's count.
 *
 * <p>The page's rows come from the repository method, so its entity graphs and query
 * hints apply; the other rounds read only sort keys. It is exact because the order is
 * total (the id breaks ties) and compared the same way by the databases and in Java: it
 * applies only to sorts by non-null numeric or date-time attributes of the entity itself
 * and a numeric id, to a {@code findAll(Pageable)} without {@code @Query}, and from an
 * offset of {@value #DEPTH} pages per shard on. Anything else fans out as any page does,
 * and so does a page whose rounds do not add up (a shard missing under the partial
 * policy, rows written between the rounds), logged at debug level.
 */
final class DeepPage {

	private static final Log logger = LogFactory.getLog(DeepPage.class);

	/** From how many pages per shard on the boundary search is used. */
	static final int DEPTH = 4;

	/** At most this many rounds move the lower bound closer to the page. */
	private static final int MAX_REFINEMENTS = 3;

	/** A refinement is tried while the bound is more than this many pages before the page... */
	private static final int REFINE_PAGES = 4;

	/** ...and more than this many rows. */
	private static final int REFINE_ROWS = 64;

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
	 * this page (shallow, or sorted by attributes it cannot compare exactly) or its rounds
	 * do not add up.
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
		if (!pageable.isPaged() || n < 2 || pageable.getOffset() < (long) DEPTH * n * pageable.getPageSize()
				|| pageable.getOffset() + pageable.getPageSize() > Integer.MAX_VALUE) {
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
		if (bounds.size() < n) {
			// A shard missing under the partial policy: the ordinary page reports it.
			return ordinary(what, "a shard did not answer");
		}
		Object[] least = null;
		for (List<Object[]> bound : bounds.values()) {
			if (!bound.isEmpty() && (least == null || keys.compare(bound.get(0), least) < 0)) {
				least = bound.get(0);
			}
		}
		Bound bound;
		if (least == null) {
			// No shard has more than offset / N rows: the page is empty.
			bound = Bound.pastTheEnd(shards, (shard) -> (long) perShard);
		}
		else {
			Object[] m = least;
			// 2. Each shard's position of m: its rows before it.
			Map<Shard, Long> before = executor.execute(ShardCallKind.FAN_OUT, what, shards, (shard) -> {
				List<Object[]> own = bounds.get(shard);
				if (own.isEmpty()) {
					return this.readOnly.execute((status) -> keys.countBefore(this.entityManager, m));
				}
				if (keys.compare(own.get(0), m) == 0) {
					return (long) perShard;
				}
				return perShard
						- this.readOnly.execute((status) -> keys.countBetween(this.entityManager, m, own.get(0)));
			});
			bound = new Bound(m, before);
			if (before.size() < n) {
				return ordinary(what, "a shard did not answer");
			}
			if (bound.position() > offset) {
				return ordinary(what, "rows were written between its rounds");
			}
		}
		// Rows whose order clusters on some shards leave m far before the page: move it
		// closer while that saves reading many rows.
		for (int round = 0; round < MAX_REFINEMENTS && bound.key() != null
				&& offset - bound.position() > Math.max((long) REFINE_PAGES * size, REFINE_ROWS); round++) {
			Bound closer = refine(keys, bound, offset, shards, executor, what);
			if (closer == null) {
				return ordinary(what, "a shard did not answer");
			}
			if (closer == bound) {
				break;
			}
			bound = closer;
		}
		// 3. The page's keys: each shard's first skip + size keys from the bound on, merged.
		int skip = (bound.key() != null) ? (int) (offset - bound.position()) : 0;
		Window window = (bound.key() != null) ? window(keys, bound, skip, size, shards, executor, what)
				: new Window(Map.of(), Map.of(), Set.of());
		if (window == null) {
			return ordinary(what, "a shard did not answer");
		}
		// 4. From each shard, its rows of the page (one at least, for its total), through
		// the repository method.
		Map<Shard, Long> before = bound.before();
		Map<Shard, Page<?>> parts = executor.execute(ShardCallKind.FAN_OUT, what, shards,
				(shard) -> fetch.fetch(shard, new ShardOffset(before.get(shard) + window.skipped(shard),
						Math.max(1, window.paged(shard)), sort)));
		if (parts.size() < n) {
			return ordinary(what, "a shard did not answer");
		}
		PersistenceUnitUtil ids = this.entityManagerFactory.getPersistenceUnitUtil();
		List<Object> content = new ArrayList<>();
		long total = 0;
		for (Page<?> part : parts.values()) {
			for (Object row : part.getContent()) {
				if (window.ids().contains(ids.getIdentifier(row))) {
					content.add(row);
				}
				else if (bound.key() == null) {
					// A row where a round found none.
					return ordinary(what, "rows were written between its rounds");
				}
			}
			total += part.getTotalElements();
		}
		if (content.size() != window.ids().size()) {
			return ordinary(what, "rows were written or deleted between its rounds");
		}
		content.sort(order);
		return new PageImpl<>(content, pageable, total);
	}

	/**
	 * Give up the search of a page whose rounds do not add up, so that the ordinary page
	 * runs instead, which is exact, but reads {@code offset + size} rows from each shard.
	 */
	private static Page<Object> ordinary(String what, String why) {
		if (logger.isDebugEnabled()) {
			logger.debug("Deep page of " + what + ": " + why + "; running the ordinary page instead");
		}
		return null;
	}

	/**
	 * Read each shard's first {@code skip + size} keys from the bound on and merge them:
	 * the page is the merged keys after the first {@code skip}.
	 * @return which rows of each shard are skipped and which are the page's, or
	 * {@code null} if a shard is missing
	 */
	private Window window(Keys keys, Bound bound, int skip, int size, List<Shard> shards, FanOutExecutor executor,
			String what) {
		Map<Shard, List<Object[]>> rows = executor.execute(ShardCallKind.FAN_OUT, what, shards,
				(shard) -> this.readOnly.execute((status) -> keys.from(this.entityManager, bound.key(), skip + size)));
		if (rows.size() < shards.size()) {
			return null;
		}
		List<Map.Entry<Object[], Shard>> merged = new ArrayList<>();
		rows.forEach((shard, shardRows) -> shardRows.forEach((row) -> merged.add(Map.entry(row, shard))));
		merged.sort((a, b) -> keys.compare(a.getKey(), b.getKey()));
		Map<Shard, Integer> skipped = new HashMap<>();
		Map<Shard, Integer> paged = new HashMap<>();
		Set<Object> ids = new HashSet<>();
		for (int i = 0; i < Math.min(merged.size(), skip + size); i++) {
			Shard shard = merged.get(i).getValue();
			if (i < skip) {
				skipped.merge(shard, 1, Integer::sum);
			}
			else {
				paged.merge(shard, 1, Integer::sum);
				ids.add(keys.id(merged.get(i).getKey()));
			}
		}
		return new Window(skipped, paged, ids);
	}

	/**
	 * Find a bound closer to the page than {@code bound} whose exact position is at most
	 * {@code offset}. The gap to the page is shared out between the shards in proportion
	 * to their rows before the bound; each shard with a share returns the key of its row
	 * that many rows after the bound, the smallest of those is the candidate, and each
	 * shard counts its rows before it (from its own row down to the candidate, or from the
	 * bound up to it). A shard has at most its share more rows before the candidate, but
	 * one without a share may have any number, so the exact count decides: a candidate
	 * past the offset is not used.
	 * @return the closer bound; a bound past the end if every shard had a share and none
	 * has that many rows (so there are at most {@code offset} rows); {@code bound} itself
	 * if no closer bound was found; or {@code null} if a shard is missing
	 */
	private Bound refine(Keys keys, Bound bound, int offset, List<Shard> shards, FanOutExecutor executor,
			String what) {
		long gap = offset - bound.position();
		// Half in proportion to the shard's rows before the bound, half equally: a shard
		// with few rows so far (one written to later) does not pin the smallest row close
		// to the bound. At most gap * weight / weight = gap in all: no more than the offset.
		long even = bound.position() / shards.size() + 1;
		long weight = bound.position() + even * shards.size();
		Map<Shard, Long> shares = new LinkedHashMap<>();
		for (Shard shard : shards) {
			long share = gap * (bound.before().get(shard) + even) / weight;
			if (share > 0) {
				shares.put(shard, share);
			}
		}
		if (shares.isEmpty()) {
			return bound;
		}
		Object[] from = bound.key();
		Map<Shard, List<Object[]>> rows = executor.execute(ShardCallKind.FAN_OUT, what, List.copyOf(shares.keySet()),
				(shard) -> this.readOnly
					.execute((status) -> keys.after(this.entityManager, from, (int) (long) shares.get(shard))));
		if (rows.size() < shares.size()) {
			return null;
		}
		Object[] least = null;
		for (List<Object[]> row : rows.values()) {
			if (!row.isEmpty() && (least == null || keys.compare(row.get(0), least) < 0)) {
				least = row.get(0);
			}
		}
		if (least == null) {
			return (shares.size() == shards.size())
					? Bound.pastTheEnd(shards, (shard) -> bound.before().get(shard) + shares.get(shard)) : bound;
		}
		if (keys.compare(least, from) <= 0) {
			return bound;
		}
		Object[] candidate = least;
		Map<Shard, Long> before = executor.execute(ShardCallKind.FAN_OUT, what, shards, (shard) -> {
			long earlier = bound.before().get(shard);
			List<Object[]> own = rows.get(shard);
			if (own == null || own.isEmpty()) {
				// Its rows in [bound, candidate).
				return earlier + this.readOnly
					.execute((status) -> keys.countBetween(this.entityManager, from, candidate));
			}
			long share = shares.get(shard);
			if (keys.compare(own.get(0), candidate) == 0) {
				return earlier + share;
			}
			// Its share of rows after the bound, less those in [candidate, own row).
			return earlier + share - this.readOnly
				.execute((status) -> keys.countBetween(this.entityManager, candidate, own.get(0)));
		});
		if (before.size() < shards.size()) {
			return null;
		}
		Bound closer = new Bound(candidate, before);
		return (closer.position() <= offset) ? closer : bound;
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

		/** The key of the row at {@code index} in the order. */
		List<Object[]> at(EntityManager entityManager, int index) {
			return keyQuery(entityManager, null).setFirstResult(index).setMaxResults(1).getResultList();
		}

		/** The key of the row {@code index} rows after {@code bound} (itself, for 0). */
		List<Object[]> after(EntityManager entityManager, Object[] bound, int index) {
			TypedQuery<Object[]> query = keyQuery(entityManager, atOrAfter("lo"));
			bind(query, "lo", bound);
			return query.setFirstResult(index).setMaxResults(1).getResultList();
		}

		/** The keys of the first {@code limit} rows at or after {@code bound}. */
		List<Object[]> from(EntityManager entityManager, Object[] bound, int limit) {
			TypedQuery<Object[]> query = keyQuery(entityManager, atOrAfter("lo"));
			bind(query, "lo", bound);
			return query.setMaxResults(limit).getResultList();
		}

		/** The id in a key: its last attribute. */
		Object id(Object[] key) {
			return key[this.names.size() - 1];
		}

		private TypedQuery<Object[]> keyQuery(EntityManager entityManager, String where) {
			StringBuilder jpql = new StringBuilder("select ");
			for (String name : this.names) {
				jpql.append("e.").append(name).append(", ");
			}
			// Always two items, so that rows are arrays.
			jpql.append("e.").append(this.names.get(this.names.size() - 1)).append(" from ").append(this.entity)
				.append(" e");
			if (where != null) {
				jpql.append(" where ").append(where);
			}
			jpql.append(" order by ");
			for (int i = 0; i < this.names.size(); i++) {
				jpql.append((i > 0) ? ", " : "").append("e.").append(this.names.get(i))
					.append(this.ascending.get(i) ? " asc" : " desc");
			}
			return entityManager.createQuery(jpql.toString(), Object[].class);
		}

		long countBefore(EntityManager entityManager, Object[] bound) {
			TypedQuery<Long> query = countQuery(entityManager, before("hi"));
			bind(query, "hi", bound);
			return query.getSingleResult();
		}

		/** Rows at or after {@code low} and before {@code high}. */
		long countBetween(EntityManager entityManager, Object[] low, Object[] high) {
			TypedQuery<Long> query = countQuery(entityManager, "(" + atOrAfter("lo") + ") and (" + before("hi") + ")");
			bind(query, "lo", low);
			bind(query, "hi", high);
			return query.getSingleResult();
		}

		private TypedQuery<Long> countQuery(EntityManager entityManager, String where) {
			return entityManager.createQuery("select count(e) from " + this.entity + " e where " + where, Long.class);
		}

		private void bind(TypedQuery<?> query, String prefix, Object[] key) {
			for (int i = 0; i < this.names.size(); i++) {
				query.setParameter(prefix + i, key[i]);
			}
		}

		/** Rows strictly before the key named {@code prefix}0, 1, ... in the order. */
		private String before(String prefix) {
			return side(prefix, " < :", " > :", " < :", " > :");
		}

		/**
		 * Rows at or after the key named {@code prefix}0, 1, ..., written without NOT so
		 * that a database can use an index on the order's attributes.
		 */
		private String atOrAfter(String prefix) {
			return side(prefix, " > :", " < :", " >= :", " <= :");
		}

		/**
		 * Rows on one side of a key: (a0 op a) or (a0 = a and a1 op b) or ..., the last
		 * attribute (the id) compared with {@code lastAscending}/{@code lastDescending}.
		 */
		private String side(String prefix, String ascending, String descending, String lastAscending,
				String lastDescending) {
			StringBuilder or = new StringBuilder();
			int last = this.names.size() - 1;
			for (int i = 0; i <= last; i++) {
				or.append((i > 0) ? " or (" : "(");
				for (int j = 0; j < i; j++) {
					or.append("e.").append(this.names.get(j)).append(" = :").append(prefix).append(j).append(" and ");
				}
				boolean asc = this.ascending.get(i);
				String operator = (i < last) ? (asc ? ascending : descending) : (asc ? lastAscending : lastDescending);
				or.append("e.").append(this.names.get(i)).append(operator).append(prefix).append(i).append(")");
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
	 * Where the page starts: a row's sort key and, for each shard, how many of its rows
	 * come before it (their sum is the key's exact position); or, without a key, past the
	 * end: each shard has no more rows than that.
	 */
	private record Bound(Object[] key, Map<Shard, Long> before) {

		static Bound pastTheEnd(List<Shard> shards, Function<Shard, Long> rows) {
			Map<Shard, Long> before = new LinkedHashMap<>();
			shards.forEach((shard) -> before.put(shard, rows.apply(shard)));
			return new Bound(null, before);
		}

		long position() {
			long position = 0;
			for (long rows : this.before.values()) {
				position += rows;
			}
			return position;
		}

	}

	/**
	 * The rows from the bound up to the end of the page: how many of each shard's come
	 * before the page and are in it, and the ids of the page's rows.
	 */
	private record Window(Map<Shard, Integer> before, Map<Shard, Integer> page, Set<Object> ids) {

		int skipped(Shard shard) {
			return this.before.getOrDefault(shard, 0);
		}

		int paged(Shard shard) {
			return this.page.getOrDefault(shard, 0);
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
