package io.shardwise.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.shardwise.fanout.FailurePolicy;
import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingDataSource;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Property-style correctness of {@code ShardedJdbcTemplate.queryPage}, the deep page by
 * boundary search: for random sorts (with many ties and NULLs, random directions and
 * NULL handling), offsets, sizes and filters, the page from four shards equals
 * {@code ORDER BY ..., id LIMIT size OFFSET offset} on one database holding the same
 * rows, on H2 and on PostgreSQL. The rows are spread over the shards at random, clustered
 * by their order (the case where the boundary search reads the most), or, for a third,
 * with time-ordered ids written to the shards at skewed rates that change halfway (the
 * case that its refinement rounds move the bound closer for).
 */
class DeepPagePropertyTest {

	private static final int ROWS = 900;

	private static final List<String> SHARDS = List.of("north_america", "asia", "europe", "south_america");

	private static final List<String> COLUMNS = List.of("id", "a", "b", "c");

	/** The shards and the single truth database, with the same rows. */
	abstract static class Databases {

		private final long seed = Long.getLong("shardwise.test.seed", System.nanoTime());

		private final List<HikariDataSource> pools = new ArrayList<>();

		private FanOutExecutor executor;

		private ShardedJdbcTemplate sharded;

		private JdbcTemplate truth;

		abstract String url(String database);

		abstract String username();

		abstract String password();

		@BeforeAll
		void load() {
			Map<String, DataSource> dataSources = new LinkedHashMap<>();
			for (String shard : SHARDS) {
				dataSources.put(shard, pool(url(shard)));
			}
			this.truth = new JdbcTemplate(pool(url("truth")));
			Shards shards = new Shards(dataSources, 0);
			this.executor = new FanOutExecutor(4, Duration.ofSeconds(30), FailurePolicy.FAIL, ShardCallObserver.NONE);
			this.sharded = new ShardedJdbcTemplate(new ShardRoutingDataSource(shards), new ShardRouter(shards, Map.of(), null),
					this.executor);
			String table = "create table items (id bigint primary key, a integer, b varchar(8), c double precision not null)";
			List<JdbcTemplate> shardTemplates = new ArrayList<>();
			for (DataSource dataSource : dataSources.values()) {
				JdbcTemplate template = new JdbcTemplate(dataSource);
				template.execute("drop table if exists items");
				template.execute(table);
				shardTemplates.add(template);
			}
			this.truth.execute("drop table if exists items");
			this.truth.execute(table);
			Random random = new Random(this.seed);
			System.out.println("Deep page property data: seed " + this.seed + " (-Dshardwise.test.seed=" + this.seed
					+ " replays it), " + ROWS + " rows");
			for (int i = 0; i < ROWS; i++) {
				// The last third: time-ordered ids (after all others), written to the shards
				// at different rates, as the benchmark's loaders write them.
				boolean timeOrdered = i >= ROWS * 2 / 3;
				long id = timeOrdered ? 1_000_000_000L + i : 1 + random.nextInt(1_000_000) * 1000L + i;
				Integer a = (random.nextInt(6) == 0) ? null : random.nextInt(5);
				String b = (random.nextInt(5) == 0) ? null : "abcd".substring(0, 1 + random.nextInt(3 + (i % 2)));
				double c = random.nextInt(40) / 4.0;
				// The first half at random, the second clustered: shard by c, so that each
				// shard's rows lie together in an order by c.
				int shard = timeOrdered ? skewed(random)
						: (i < ROWS / 3) ? random.nextInt(SHARDS.size()) : Math.min(3, (int) (c / 2.5));
				Object[] row = { id, a, b, c };
				shardTemplates.get(shard).update("insert into items (id, a, b, c) values (?, ?, ?, ?)", row);
				this.truth.update("insert into items (id, a, b, c) values (?, ?, ?, ?)", row);
			}
		}

		/** A shard with weights 60, 25, 10 and 5 %, but the rates change halfway through. */
		private int skewedRows;

		private int skewed(Random random) {
			int percent = random.nextInt(100);
			int shard = (percent < 60) ? 0 : (percent < 85) ? 1 : (percent < 95) ? 2 : 3;
			return (this.skewedRows++ < ROWS / 6) ? shard : 3 - shard;
		}

		private HikariDataSource pool(String url) {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(url);
			pool.setUsername(username());
			pool.setPassword(password());
			pool.setMaximumPoolSize(2);
			this.pools.add(pool);
			return pool;
		}

		@AfterAll
		void close() {
			this.executor.close();
			this.pools.forEach(HikariDataSource::close);
		}

		@Test
		void pagesEqualOneDatabase() {
			Random random = new Random(this.seed + 1);
			for (int i = 0; i < 120; i++) {
				// By id alone a quarter of the time: the time-ordered third then lies skewed.
				Sort sort = (random.nextInt(4) == 0) ? Sort.by("id") : randomSort(random);
				double minC = (random.nextInt(4) == 0) ? random.nextInt(40) / 4.0 : 0;
				int size = 1 + random.nextInt(random.nextBoolean() ? 5 : 60);
				long offset = switch (random.nextInt(4)) {
					case 0 -> random.nextInt(10);
					case 1 -> ROWS - random.nextInt(30);
					default -> random.nextInt(ROWS + 40);
				};
				Pageable page = new OffsetPageable(offset, size, sort);
				String what = "seed " + this.seed + ", case " + i + ": c >= " + minC + ", " + sort + ", offset "
						+ offset + ", size " + size;
				// A plain query gets the page's conditions in its WHERE; DISTINCT makes it a derived table.
				String sql = switch (random.nextInt(3)) {
					case 0 -> "select id, a, b, c from items where c >= ?";
					case 1 -> "select i.* from items i where (i.c >= ? or 1 = 0)";
					default -> "select distinct id, a, b, c from items where c >= ?";
				};
				what += ", " + sql;
				List<Long> found = this.sharded.onAllShards()
					.queryPage(sql, (rs, row) -> rs.getLong("id"), page, "id", minC);
				assertThat(found).as(what).containsExactlyElementsOf(truth(sort, minC, size, offset));
			}
		}

		@Test
		void rowsWrittenBetweenTheRoundsGiveThePageOfTheDatabasesAfterThem() {
			List<JdbcTemplate> templates = new ArrayList<>();
			for (int i = 0; i < SHARDS.size(); i++) {
				JdbcTemplate template = new JdbcTemplate(this.pools.get(i));
				template.execute("drop table if exists moving_items");
				template.execute("create table moving_items (id bigint primary key)");
				templates.add(template);
			}
			for (long id = 1000; id < 2000; id++) {
				templates.get(0).update("insert into moving_items (id) values (?)", id);
			}
			// Before the second round, 700 rows that sort first land on a shard that had none.
			java.util.concurrent.atomic.AtomicInteger fanOuts = new java.util.concurrent.atomic.AtomicInteger();
			ShardCallObserver writer = new ShardCallObserver() {

				@Override
				public <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards,
						java.util.function.Supplier<T> fanOut) {
					if (fanOuts.incrementAndGet() == 2) {
						for (long id = 1; id <= 700; id++) {
							templates.get(1).update("insert into moving_items (id) values (?)", id);
						}
					}
					return fanOut.get();
				}

			};
			Map<String, DataSource> dataSources = new LinkedHashMap<>();
			for (int i = 0; i < SHARDS.size(); i++) {
				dataSources.put(SHARDS.get(i), this.pools.get(i));
			}
			Shards shards = new Shards(dataSources, 0);
			try (FanOutExecutor executor = new FanOutExecutor(4, Duration.ofSeconds(30), FailurePolicy.FAIL, writer)) {
				ShardedJdbcTemplate sharded = new ShardedJdbcTemplate(new ShardRoutingDataSource(shards),
						new ShardRouter(shards, Map.of(), null), executor);
				List<Long> page = sharded.onAllShards()
					.queryPage("select id from moving_items", (rs, row) -> rs.getLong("id"),
							new OffsetPageable(800, 10, Sort.by("id")), "id");
				// One database would now hold 1-700 and 1000-1999: rows 800-809 are 1100-1109.
				assertThat(fanOuts).hasValueGreaterThan(2);
				assertThat(page).containsExactlyElementsOf(
						java.util.stream.LongStream.range(1100, 1110).boxed().toList());
			}
			finally {
				templates.forEach((template) -> template.execute("drop table moving_items"));
			}
		}

		@Test
		void unpagedIsEveryRowInOrder() {
			Sort sort = Sort.by(Sort.Order.desc("b").nullsFirst(), Sort.Order.asc("a"));
			List<Long> found = this.sharded.onAllShards()
				.queryPage("select * from items where c >= ?", (rs, row) -> rs.getLong("id"), Pageable.unpaged(sort),
						"id", 0.0);
			assertThat(found).hasSize(ROWS).containsExactlyElementsOf(truth(sort, 0, ROWS, 0));
		}

		@Test
		void refusesWhatItCannotOrderExactly() {
			assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
				.isThrownBy(() -> this.sharded.onAllShards()
					.queryPage("select * from items", (rs, row) -> 1, PageRequest.of(3, 5, Sort.by("a; drop table items")),
							"id"))
				.withMessageContaining("'a; drop table items'");
			assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
				.isThrownBy(() -> this.sharded.onAllShards()
					.queryPage("select * from items", (rs, row) -> 1,
							PageRequest.of(3, 5, Sort.by(Sort.Order.asc("b").ignoreCase())), "id"))
				.withMessageContaining("ignoring case");
		}

		private List<Long> truth(Sort sort, double minC, int size, long offset) {
			StringBuilder sql = new StringBuilder("select id from items where c >= ? order by ");
			boolean hasId = false;
			for (Sort.Order order : sort) {
				hasId |= order.getProperty().equals("id");
				sql.append(order.getProperty())
					.append(order.isAscending() ? " asc" : " desc")
					.append(switch (order.getNullHandling()) {
						case NULLS_FIRST -> " nulls first";
						case NULLS_LAST -> " nulls last";
						case NATIVE -> "";
					})
					.append(", ");
				if (hasId) {
					break;
				}
			}
			sql.append(hasId ? "" : "id asc, ");
			sql.setLength(sql.length() - 2);
			sql.append(" limit ").append(size).append(" offset ").append(offset);
			return this.truth.queryForList(sql.toString(), Long.class, minC);
		}

		private static Sort randomSort(Random random) {
			List<String> columns = new ArrayList<>(COLUMNS);
			Collections.shuffle(columns, random);
			List<Sort.Order> orders = new ArrayList<>();
			for (String column : columns.subList(0, 1 + random.nextInt(3))) {
				Sort.Order order = random.nextBoolean() ? Sort.Order.asc(column) : Sort.Order.desc(column);
				order = switch (random.nextInt(3)) {
					case 0 -> order.nullsFirst();
					case 1 -> order.nullsLast();
					default -> order;
				};
				orders.add(order);
			}
			return Sort.by(orders);
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class OnH2 extends Databases {

		@Override
		String url(String database) {
			return "jdbc:h2:mem:deep_page_" + database + ";DB_CLOSE_DELAY=-1";
		}

		@Override
		String username() {
			return "sa";
		}

		@Override
		String password() {
			return "";
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	@ExtendWith(EmbeddedPostgresShards.StopAfterAllTests.class)
	class OnPostgres extends Databases {

		@Override
		String url(String database) {
			// One database per shard server; the truth lives on the first server.
			String shard = SHARDS.contains(database) ? database : SHARDS.get(0);
			return EmbeddedPostgresShards.get().url(shard, "deep_page_" + (SHARDS.contains(database) ? "shard" : database));
		}

		@Override
		String username() {
			return EmbeddedPostgresShards.APP_USER;
		}

		@Override
		String password() {
			return EmbeddedPostgresShards.APP_PASSWORD;
		}

	}

	/** A page at any offset, not only at a multiple of its size. */
	private record OffsetPageable(long offset, int size, Sort sort) implements Pageable {

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
			return new OffsetPageable(this.offset + this.size, this.size, this.sort);
		}

		@Override
		public Pageable previousOrFirst() {
			return new OffsetPageable(Math.max(0, this.offset - this.size), this.size, this.sort);
		}

		@Override
		public Pageable first() {
			return new OffsetPageable(0, this.size, this.sort);
		}

		@Override
		public Pageable withPage(int pageNumber) {
			return new OffsetPageable((long) pageNumber * this.size, this.size, this.sort);
		}

		@Override
		public boolean hasPrevious() {
			return this.offset > 0;
		}

	}

}
