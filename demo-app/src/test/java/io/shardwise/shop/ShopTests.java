package io.shardwise.shop;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.shardwise.ShardTemplate;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Ordinary Spring Data JPA code on shards, as a newcomer writes it: LAZY {@code @ManyToOne}
 * keys, detached entities changed and saved, references, reads from several shards in
 * one {@code @Transactional}, and writes refused on a second shard. Placement and "nothing
 * committed" are read with plain JDBC from each shard's own database.
 */
abstract class ShopTests {

	@Autowired
	ShopService shop;

	@Autowired
	CustomerRepository customers;

	@Autowired
	OrderRepository orders;

	@Autowired
	OrderLineRepository lines;

	@Autowired
	ShardTemplate shardTemplate;

	@Autowired
	ShardRouter router;

	@Autowired
	Shards shards;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	DataSource dataSource;

	@AfterEach
	void deleteAll() {
		for (Shard shard : this.shards.all()) {
			JdbcTemplate jdbc = new JdbcTemplate(shard.dataSource());
			jdbc.update("delete from order_lines");
			jdbc.update("delete from orders");
			jdbc.update("delete from customers");
		}
	}

	/** Customer numbers, one per shard, found by asking the router. */
	private List<String> numbersOnDistinctShards() {
		Map<String, String> byShard = new java.util.LinkedHashMap<>();
		for (int i = 0; byShard.size() < this.shards.size(); i++) {
			String number = "C-" + i;
			byShard.putIfAbsent(this.router.shardFor("", number).id(), number);
		}
		return new ArrayList<>(byShard.values());
	}

	private JdbcTemplate jdbc(String shard) {
		return new JdbcTemplate(this.shards.get(shard).dataSource());
	}

	private String shardOfNumber(String number) {
		return this.router.shardFor("", number).id();
	}

	private List<String> statusesOn(String shard) {
		return jdbc(shard).queryForList("select status from orders order by status", String.class);
	}

	private int count(String table) {
		int total = 0;
		for (Shard shard : this.shards.all()) {
			total += jdbc(shard.id()).queryForObject("select count(*) from " + table, Integer.class);
		}
		return total;
	}

	@Test
	void placementFollowsTheCustomerDownToItsLines() {
		for (String number : numbersOnDistinctShards()) {
			Order order = this.shop.place(number, "apple", "pear");
			String shard = shardOfNumber(number);
			assertThat(jdbc(shard).queryForList("select id from orders", Long.class)).containsExactly(order.getId());
			assertThat(jdbc(shard).queryForObject("select count(*) from order_lines where order_id = ?", Integer.class,
					order.getId()))
				.isEqualTo(2);
		}
		assertThat(count("orders")).isEqualTo(3);
		assertThat(count("order_lines")).isEqualTo(6);
	}

	@Test
	void entityKeyParameterRoutesByTheEntitysOwnKey() {
		List<String> numbers = numbersOnDistinctShards();
		this.shop.place(numbers.get(1), "a");
		this.shop.place(numbers.get(1), "b");
		Customer customer = this.customers.findByNumber(numbers.get(1)).orElseThrow();
		assertThat(this.orders.findByCustomer(customer)).hasSize(2);
		// The same through a lazy reference (a proxy that was never loaded).
		Order order = this.orders.findAll().get(0);
		assertThat(this.orders.findByCustomer(order.getCustomer())).hasSize(2);
	}

	@Test
	void detachedEntityWithLazyKeyIsChangedAndSaved() {
		List<String> numbers = numbersOnDistinctShards();
		Order placed = this.shop.place(numbers.get(2), "plum");
		Order detached = this.orders.findById(placed.getId()).orElseThrow();
		detached.setStatus("PAID");
		this.orders.save(detached);
		assertThat(statusesOn(shardOfNumber(numbers.get(2)))).containsExactly("PAID");
		// A detached child with a per-database identity id and a lazy parent key.
		OrderLine line = this.lines.findByOrder(detached).get(0);
		line.setQuantity(7);
		this.lines.save(line);
		assertThat(jdbc(shardOfNumber(numbers.get(2))).queryForObject("select quantity from order_lines",
				Integer.class))
			.isEqualTo(7);
		assertThat(count("order_lines")).isEqualTo(1);
	}

	@Test
	void lineBuiltFromAReferenceLandsOnTheOrdersShard() {
		List<String> numbers = numbersOnDistinctShards();
		Order placed = this.shop.place(numbers.get(0), "fig");
		OrderLine line = this.shop.addLineByReference(placed.getId(), "kiwi");
		String shard = shardOfNumber(numbers.get(0));
		assertThat(jdbc(shard).queryForList("select product from order_lines order by product", String.class))
			.containsExactly("fig", "kiwi");
		assertThat(this.shardTemplate.shardOf(line)).isEqualTo(shard);
	}

	@Test
	void shardOfKnowsIdentityIdRowsThatExistOnSeveralShards() {
		List<String> numbers = numbersOnDistinctShards();
		for (String number : numbers) {
			this.shop.place(number, "x");
		}
		// Each shard numbered its first line 1 (or the same low value): ids alone cannot tell.
		List<OrderLine> all = this.lines.findAll();
		assertThat(all).hasSize(3);
		Set<String> seen = new HashSet<>();
		for (OrderLine line : all) {
			String shard = this.shardTemplate.shardOf(line);
			seen.add(shard);
			assertThat(jdbc(shard).queryForObject("select count(*) from order_lines where id = ? and product = 'x'",
					Integer.class, line.getId()))
				.isEqualTo(1);
		}
		assertThat(seen).hasSize(3);
	}

	@Test
	void fanOutInsideATransactionKeepsEntitiesManagedAndLazyLoadsFromTheirShard() {
		List<String> numbers = numbersOnDistinctShards();
		Map<Long, String> expected = new java.util.HashMap<>();
		for (String number : numbers) {
			Order order = this.shop.place(number, "b-" + number, "a-" + number);
			expected.put(order.getId(), "Customer " + number + ":a-" + number + ",b-" + number);
		}
		assertThat(this.shop.linesOfEveryOrder()).isEqualTo(expected);
	}

	@Test
	void keyedCallSpanningShardsInsideATransactionLoadsLazily() {
		List<String> numbers = numbersOnDistinctShards();
		this.shop.place(numbers.get(0), "p0");
		this.shop.place(numbers.get(1), "p1");
		List<Customer> both = List.of(this.customers.findByNumber(numbers.get(0)).orElseThrow(),
				this.customers.findByNumber(numbers.get(1)).orElseThrow());
		assertThat(this.shop.productsOf(both)).containsExactly("p0", "p1");
	}

	@Test
	void findByIdOnThreeShardsInOneReadOnlyTransactionAndPostLoadSeesTheShard() {
		List<Long> ids = new ArrayList<>();
		List<String> expected = new ArrayList<>();
		for (String number : numbersOnDistinctShards()) {
			ids.add(this.shop.place(number, "q", "r").getId());
			expected.add(shardOfNumber(number) + "/" + shardOfNumber(number) + "/" + number + "/2");
		}
		assertThat(this.shop.describe(ids)).isEqualTo(expected);
	}

	@Test
	void theSameRowReadTwiceIsTheSameInstance() {
		List<String> numbers = numbersOnDistinctShards();
		Long first = this.shop.place(numbers.get(0), "s").getId();
		Long second = this.shop.place(numbers.get(1), "t").getId();
		assertThat(this.shop.sameInstances(first, second)).isTrue();
	}

	@Test
	void pagesWindowsAndStreamsInsideATransactionStayManaged() {
		for (String number : numbersOnDistinctShards()) {
			this.shop.place(number, "u", "v");
		}
		assertThat(this.shop.lineCountsOfPagesWindowsAndStreams("NEW")).hasSize(9).containsOnly(2);
	}

	@Test
	void writingOnlyTheSecondShardOfATransactionCommits() {
		List<String> numbers = numbersOnDistinctShards();
		Long read = this.shop.place(numbers.get(0), "w").getId();
		Long changed = this.shop.place(numbers.get(1), "w").getId();
		this.shop.readOneShardChangeAnother(read, changed, "SHIPPED");
		assertThat(statusesOn(shardOfNumber(numbers.get(1)))).containsExactly("SHIPPED");
		assertThat(statusesOn(shardOfNumber(numbers.get(0)))).containsExactly("NEW");
	}

	@Test
	void dirtyEntitiesOnTwoShardsAreRefusedAndNothingIsCommitted() {
		List<String> numbers = numbersOnDistinctShards();
		Long first = this.shop.place(numbers.get(0), "y").getId();
		Long second = this.shop.place(numbers.get(1), "y").getId();
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.shop.changeBoth(first, second, "LOST"))
			.withMessageContaining("'" + shardOfNumber(numbers.get(0)) + "'")
			.withMessageContaining("'" + shardOfNumber(numbers.get(1)) + "'");
		for (Shard shard : this.shards.all()) {
			assertThat(statusesOn(shard.id())).doesNotContain("LOST");
		}
	}

	@Test
	void aCaughtRefusalStillRollsBackUnderJpaTransactionManager() {
		assertThat(this.transactionManager.getClass().getSimpleName()).isEqualTo("JpaTransactionManager");
		List<String> numbers = numbersOnDistinctShards();
		this.shop.place(numbers.get(0), "z");
		this.shop.place(numbers.get(1), "z");
		Customer first = this.customers.findByNumber(numbers.get(0)).orElseThrow();
		Customer second = this.customers.findByNumber(numbers.get(1)).orElseThrow();
		assertThatExceptionOfType(UnexpectedRollbackException.class)
			.isThrownBy(() -> this.shop.saveTwoCatchingTheRefusal(first, second));
		for (Shard shard : this.shards.all()) {
			assertThat(statusesOn(shard.id())).doesNotContain("CAUGHT");
		}
	}

	@Test
	void aCaughtRefusalRollsBackInATransactionTemplateToo() {
		List<String> numbers = numbersOnDistinctShards();
		this.shop.place(numbers.get(0), "z");
		this.shop.place(numbers.get(1), "z");
		Customer first = this.customers.findByNumber(numbers.get(0)).orElseThrow();
		Customer second = this.customers.findByNumber(numbers.get(1)).orElseThrow();
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		assertThatExceptionOfType(UnexpectedRollbackException.class).isThrownBy(() -> tx.executeWithoutResult((s) -> {
			this.orders.save(new Order(first, "TEMPLATE", 1));
			assertThatExceptionOfType(ShardRoutingException.class)
				.isThrownBy(() -> this.orders.save(new Order(second, "TEMPLATE", 2)))
				.withMessageContaining("'" + shardOfNumber(numbers.get(1)) + "'")
				.withMessageContaining("'" + shardOfNumber(numbers.get(0)) + "'");
		}));
		for (Shard shard : this.shards.all()) {
			assertThat(statusesOn(shard.id())).doesNotContain("TEMPLATE");
		}
	}

	@Test
	void jdbcWritesOnTwoShardsRollBackUnderJdbcTransactionManager() {
		List<String> shardIds = this.shards.ids();
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(this.dataSource));
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> tx.executeWithoutResult((s) -> {
			this.shardTemplate.onShard(shardIds.get(0),
					(shard) -> jdbc.update("insert into customers values (1, 'J-1', 'jdbc')"));
			this.shardTemplate.onShard(shardIds.get(1),
					(shard) -> jdbc.update("insert into customers values (2, 'J-2', 'jdbc')"));
		})).withMessageContaining(shardIds.get(0)).withMessageContaining(shardIds.get(1));
		assertThat(count("customers")).isZero();
	}

	@Test
	void jdbcReadsOnSeveralShardsAndAWriteOnOneCommitUnderJdbcTransactionManager() {
		List<String> shardIds = this.shards.ids();
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(this.dataSource));
		tx.executeWithoutResult((s) -> {
			for (String shard : shardIds) {
				this.shardTemplate.onShard(shard, (id) -> jdbc.queryForObject("select count(*) from customers", Long.class));
			}
			this.shardTemplate.onShard(shardIds.get(2),
					(shard) -> jdbc.update("insert into customers values (3, 'J-3', 'jdbc')"));
		});
		assertThat(jdbc(shardIds.get(2)).queryForList("select number from customers", String.class))
			.containsExactly("J-3");
		assertThat(count("customers")).isEqualTo(1);
	}

	@Test
	void aJdbcWriteAndAJpaWriteOnTwoShardsAreRefusedAtCommit() {
		List<String> numbers = numbersOnDistinctShards();
		Customer customer = this.customers.save(new Customer(numbers.get(0), "jpa"));
		String jdbcShard = shardOfNumber(numbers.get(1));
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> tx.executeWithoutResult((s) -> {
			this.orders.save(new Order(customer, "MIXED", 1));
			this.shardTemplate.onShard(jdbcShard,
					(shard) -> jdbc.update("update customers set name = 'MIXED' where number = ?", numbers.get(0)));
			this.shardTemplate.onShard(jdbcShard,
					(shard) -> jdbc.update("insert into customers values (9, 'J-9', 'MIXED')"));
		}));
		for (Shard shard : this.shards.all()) {
			assertThat(statusesOn(shard.id())).doesNotContain("MIXED");
		}
		assertThat(jdbc(jdbcShard).queryForObject("select count(*) from customers where name = 'MIXED'",
				Integer.class))
			.isZero();
	}

	@Test
	void bulkUpdatesOnTwoShardsAreRefused() {
		List<String> numbers = numbersOnDistinctShards();
		this.shop.place(numbers.get(0), "m");
		this.shop.place(numbers.get(1), "m");
		Customer first = this.customers.findByNumber(numbers.get(0)).orElseThrow();
		Customer second = this.customers.findByNumber(numbers.get(1)).orElseThrow();
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.shop.bulkUpdateTwo(first, second));
		for (Shard shard : this.shards.all()) {
			assertThat(statusesOn(shard.id())).doesNotContain("BULK");
		}
	}

	@Test
	void refreshReadsTheEntitysOwnShard() {
		List<String> numbers = numbersOnDistinctShards();
		Long first = this.shop.place(numbers.get(0), "n").getId();
		Long second = this.shop.place(numbers.get(1), "n").getId();
		String secondShard = shardOfNumber(numbers.get(1));
		String status = this.shop.refreshAfterOutsideChange(first, second,
				(id) -> jdbc(secondShard).update("update orders set status = 'OUTSIDE' where id = ?", id));
		assertThat(status).isEqualTo("OUTSIDE");
	}

	@Test
	void explicitShardWinsForLookupsByIdAndRefusesKeysMappingElsewhere() {
		List<String> numbers = numbersOnDistinctShards();
		Order order = this.shop.place(numbers.get(0), "o");
		String home = shardOfNumber(numbers.get(0));
		String other = shardOfNumber(numbers.get(1));
		Optional<Order> onOther = this.shardTemplate.onShard(other, (shard) -> this.orders.findById(order.getId()));
		Optional<Order> onHome = this.shardTemplate.onShard(home, (shard) -> this.orders.findById(order.getId()));
		assertThat(onOther).isEmpty();
		assertThat(onHome).isPresent();
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.shardTemplate.onShard(other, (shard) -> this.customers.findByNumber(numbers.get(0))))
			.withMessageContaining("'" + home + "'")
			.withMessageContaining("'" + other + "'");
	}

	@Test
	void foreignIdsAreFoundWhereverTheyAre() {
		List<String> numbers = numbersOnDistinctShards();
		Order placed = this.shop.place(numbers.get(2), "legacy");
		String shard = shardOfNumber(numbers.get(2));
		long customerId = placed.getCustomer().getId();
		long[] foreign = { 1, 42, (1L << 22) + 1, 1_000_000_000_000L, Long.MAX_VALUE - 1, -5 };
		for (long id : foreign) {
			jdbc(shard).update("insert into orders (id, customer_id, status, total) values (?, ?, 'IMPORTED', 0)", id,
					customerId);
		}
		for (long id : foreign) {
			assertThat(this.orders.findById(id)).as("findById(%d)", id).isPresent();
			assertThat(this.orders.existsById(id)).as("existsById(%d)", id).isTrue();
		}
		for (long id : foreign) {
			this.orders.deleteById(id);
			assertThat(jdbc(shard).queryForObject("select count(*) from orders where id = ?", Integer.class, id))
				.as("deleteById(%d)", id)
				.isZero();
		}
	}

	@Test
	void concurrentMixedWorkloadWithLazyParents() throws Exception {
		List<String> numbers = new ArrayList<>();
		for (int i = 0; i < 24; i++) {
			numbers.add("W-" + i);
			// Customers first: place() creates a missing customer, and two threads creating
			// the same number at once would make two (the table has no unique number).
			this.customers.save(new Customer("W-" + i, "Customer W-" + i));
		}
		Map<Long, String> placedOn = new ConcurrentHashMap<>();
		AtomicInteger errors = new AtomicInteger();
		List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			futures.add(pool.submit(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < 40; i++) {
					String number = numbers.get(random.nextInt(numbers.size()));
					try {
						switch (random.nextInt(4)) {
							case 0, 1 -> {
								Order order = this.shop.place(number, "c", "d");
								placedOn.put(order.getId(), shardOfNumber(order.getCustomer().getNumber()));
							}
							case 2 -> {
								List<Long> ids = new ArrayList<>(placedOn.keySet());
								if (!ids.isEmpty()) {
									Long id = ids.get(random.nextInt(ids.size()));
									Optional<Order> order = this.orders.findById(id);
									order.ifPresent((o) -> {
										o.setTotal(o.getTotal() + 1);
										this.orders.save(o);
									});
								}
							}
							default -> {
								List<Long> ids = new ArrayList<>(placedOn.keySet());
								if (!ids.isEmpty()) {
									Order order = this.orders.findById(ids.get(random.nextInt(ids.size())))
										.orElseThrow();
									OrderLine line = this.lines.findByOrder(order).get(0);
									line.setQuantity(line.getQuantity() + 1);
									this.lines.save(line);
								}
							}
						}
					}
					catch (RuntimeException ex) {
						errors.incrementAndGet();
						failures.add(ex);
					}
				}
			}));
		}
		for (Future<?> future : futures) {
			future.get(2, TimeUnit.MINUTES);
		}
		pool.shutdown();
		assertThat(failures).isEmpty();
		assertThat(errors).hasValue(0);
		Set<Long> allIds = new HashSet<>();
		int rows = 0;
		for (Shard shard : this.shards.all()) {
			List<Long> ids = jdbc(shard.id()).queryForList("select o.id from orders o", Long.class);
			rows += ids.size();
			allIds.addAll(ids);
			for (Long id : ids) {
				assertThat(placedOn.get(id)).as("order %d is on its customer's shard", id).isEqualTo(shard.id());
			}
			List<String> customerNumbers = jdbc(shard.id()).queryForList("select number from customers", String.class);
			customerNumbers.forEach((number) -> assertThat(shardOfNumber(number)).isEqualTo(shard.id()));
			assertThat(jdbc(shard.id()).queryForObject("select count(*) from order_lines l left join orders o "
					+ "on o.id = l.order_id where o.id is null", Integer.class))
				.as("lines without their order on %s", shard.id())
				.isZero();
		}
		assertThat(allIds).as("no duplicate ids").hasSize(rows);
		assertThat(rows).isEqualTo(placedOn.size());
		System.out.println("Shop concurrent workload: 8 threads, 320 operations, " + rows + " orders, 0 errors");
	}

}
