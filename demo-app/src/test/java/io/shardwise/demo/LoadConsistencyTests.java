package io.shardwise.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.shardwise.audit.ConsistencyReport;
import io.shardwise.audit.ShardConsistencyChecker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded concurrent workload of keyed reads and writes, saves of locations with
 * reports, unkeyed queries and transactions that roll back; then every shard is audited
 * directly with {@link ShardConsistencyChecker} and every acknowledged write is looked
 * for: all present, on its shard, with all its reports, and nothing of the rolled back
 * ones.
 */
abstract class LoadConsistencyTests {

	private static final List<String> CONTINENTS = List.of("North America", "Asia", "Europe", "South America");

	static final int THREADS = 8;

	static final int OPERATIONS_PER_THREAD = 2500;

	@Autowired
	ShardDatabases databases;

	@Autowired
	TestOperations operations;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	ReportRepository reports;

	@Autowired
	ShardConsistencyChecker checker;

	/** Reports of each acknowledged location, by location id. */
	private final Map<Long, AtomicInteger> acknowledged = new ConcurrentHashMap<>();

	private final Map<Long, String> cityOfId = new ConcurrentHashMap<>();

	private final List<Long> ids = new ArrayList<>();

	private final Set<String> rolledBack = ConcurrentHashMap.newKeySet();

	private final AtomicLong reads = new AtomicLong();

	/**
	 * Operations each thread runs; a suite may run fewer to share the build's time with
	 * another database's suite.
	 */
	int operationsPerThread() {
		return OPERATIONS_PER_THREAD;
	}

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void everyAcknowledgedWriteIsOnItsShardAfterAConcurrentWorkload() throws Exception {
		ConsistencyReport before = this.checker.check(WeatherController.TABLES);
		assertThat(before.isConsistent()).as(before.toString()).isTrue();

		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					for (int i = 0; i < operationsPerThread(); i++) {
						operation("T-L-" + thread + "-" + i);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(10, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}

		ConsistencyReport after = this.checker.check(WeatherController.TABLES);
		assertThat(after.isConsistent()).as(after.toString()).isTrue();
		long reportsAcknowledged = this.acknowledged.values().stream().mapToLong(AtomicInteger::get).sum();
		assertThat(after.getRowCount("weather_locations") - before.getRowCount("weather_locations"))
			.isEqualTo(this.acknowledged.size());
		assertThat(after.getRowCount("weather_reports") - before.getRowCount("weather_reports"))
			.isEqualTo(reportsAcknowledged);

		int lost = 0;
		Map<Long, String> shardOfLocation = new HashMap<>();
		Map<Long, Integer> reportsFound = new HashMap<>();
		for (String shard : ShardDatabases.SHARDS) {
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				shardOfLocation.put(location.id(), shard);
				assertThat(this.rolledBack).as("rolled back write stored").doesNotContain(location.city());
			}
			for (ShardDatabases.ReportRow report : this.databases.reports(shard)) {
				reportsFound.merge(report.locationId(), 1, Integer::sum);
			}
		}
		for (Map.Entry<Long, AtomicInteger> write : this.acknowledged.entrySet()) {
			if (!shardOfLocation.containsKey(write.getKey())
					|| reportsFound.getOrDefault(write.getKey(), 0) != write.getValue().get()) {
				lost++;
			}
		}
		assertThat(lost).as("acknowledged locations missing or missing reports").isZero();
		System.out.printf("Reliability (%s, load): %d threads, %d operations (%d reads, %d acknowledged locations "
				+ "with %d reports, %d rolled back transactions), 0 faults injected, %d rows checked, "
				+ "problems = %d, rows lost = %d%n", this.databases.kind(), THREADS, THREADS * operationsPerThread(),
				this.reads.get(), this.acknowledged.size(), reportsAcknowledged, this.rolledBack.size(),
				after.getRowsChecked(), after.getProblemCounts().size(), lost);
	}

	private void operation(String city) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String continent = CONTINENTS.get(random.nextInt(CONTINENTS.size()));
		int choice = random.nextInt(100);
		if (choice < 25) {
			int reportCount = random.nextInt(4);
			acknowledge(this.operations.saveWithReports(continent, city, reportCount, false), reportCount);
		}
		else if (choice < 35) {
			try {
				this.operations.saveWithReports(continent, city, 2, true);
				throw new AssertionError("Transaction of " + city + " should have rolled back");
			}
			catch (IllegalStateException ex) {
				this.rolledBack.add(city);
			}
		}
		else if (choice < 45) {
			String other = CONTINENTS.get(random.nextInt(CONTINENTS.size()));
			this.locations.saveAll(List.of(new WeatherLocation(continent, city + "a"), new WeatherLocation(other, city + "b")))
				.forEach((saved) -> acknowledge(saved, 0));
		}
		else if (choice < 50) {
			Long id = randomAcknowledgedId(random);
			if (id != null) {
				WeatherLocation location = this.locations.findById(id).orElseThrow();
				this.reports.save(new Report(location, 50));
				this.acknowledged.get(id).incrementAndGet();
			}
		}
		else if (choice < 75) {
			Long id = randomAcknowledgedId(random);
			if (id != null) {
				assertThat(this.locations.findById(id)).get()
					.extracting(WeatherLocation::getCity)
					.isEqualTo(this.cityOfId.get(id));
			}
			this.reads.incrementAndGet();
		}
		else if (choice < 90) {
			assertThat(this.locations.countByContinent(continent)).isNotNegative();
			this.reads.incrementAndGet();
		}
		else {
			assertThat(this.locations.count()).isPositive();
			this.reads.incrementAndGet();
		}
	}

	private void acknowledge(WeatherLocation location, int reportCount) {
		this.acknowledged.put(location.getId(), new AtomicInteger(reportCount));
		this.cityOfId.put(location.getId(), location.getCity());
		synchronized (this.ids) {
			this.ids.add(location.getId());
		}
	}

	private Long randomAcknowledgedId(ThreadLocalRandom random) {
		synchronized (this.ids) {
			return this.ids.isEmpty() ? null : this.ids.get(random.nextInt(this.ids.size()));
		}
	}

}
