package io.shardwise.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several threads with random keys, some of their transactions failing after their
 * rows were flushed; then every shard is read directly: no row on a wrong shard, every
 * acknowledged write present in full, nothing of a failed one.
 */
abstract class ConcurrentRoutingTests {

	@Autowired
	ShardDatabases databases;

	private static final List<String> CONTINENTS = List.of("North America", "Asia", "Europe", "South America");

	private static final int THREADS = 8;

	private static final int OPERATIONS_PER_THREAD = 150;

	@Autowired
	TestOperations operations;

	@Autowired
	WeatherLocationRepository locations;

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void concurrentMixedWorkloadKeepsEveryRowOnItsShard() throws Exception {
		Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
		Set<String> failed = ConcurrentHashMap.newKeySet();
		AtomicInteger reads = new AtomicInteger();
		AtomicInteger unexpected = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
						String continent = CONTINENTS.get(random.nextInt(CONTINENTS.size()));
						String city = "T-" + thread + "-" + i;
						int choice = random.nextInt(10);
						try {
							if (choice < 5) {
								boolean fail = random.nextInt(4) == 0;
								int reports = random.nextInt(4);
								try {
									this.operations.saveWithReports(continent, city, reports, fail);
									acknowledged.put(city, reports);
								}
								catch (IllegalStateException ex) {
									failed.add(city);
								}
							}
							else if (choice < 7) {
								String other = CONTINENTS.get(random.nextInt(CONTINENTS.size()));
								this.locations.saveAll(List.of(new WeatherLocation(continent, city + "a"),
										new WeatherLocation(other, city + "b")));
								acknowledged.put(city + "a", 0);
								acknowledged.put(city + "b", 0);
							}
							else if (choice < 9) {
								assertThat(this.locations.findByContinentOrderByIdAsc(continent))
									.allMatch((location) -> location.getContinent().equals(continent));
								reads.incrementAndGet();
							}
							else {
								assertThat(this.locations.count()).isPositive();
								reads.incrementAndGet();
							}
						}
						catch (RuntimeException | AssertionError ex) {
							unexpected.incrementAndGet();
							throw ex;
						}
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(5, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(unexpected).hasValue(0);

		Map<String, Integer> foundReports = new HashMap<>();
		Set<Long> ids = new HashSet<>();
		int rowsChecked = 0;
		for (String shard : ShardDatabases.SHARDS) {
			Map<Long, String> cityById = new HashMap<>();
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				rowsChecked++;
				assertThat(ShardDatabases.SHARD_OF_CONTINENT.get(location.continent())).as(location.city())
					.isEqualTo(shard);
				assertThat(ids.add(location.id())).as("id %d unique across shards", location.id()).isTrue();
				if (location.city().startsWith("T-")) {
					assertThat(foundReports.put(location.city(), 0)).as("%s stored once", location.city()).isNull();
					cityById.put(location.id(), location.city());
				}
			}
			for (ShardDatabases.ReportRow report : this.databases.reports(shard)) {
				rowsChecked++;
				assertThat(ids.add(report.id())).as("id %d unique across shards", report.id()).isTrue();
				String city = cityById.get(report.locationId());
				if (city != null) {
					foundReports.merge(city, 1, Integer::sum);
				}
			}
		}
		assertThat(foundReports).isEqualTo(acknowledged);
		assertThat(failed).isNotEmpty().allMatch((city) -> !foundReports.containsKey(city));
		System.out.printf("Concurrent workload: %d threads, %d operations (%d reads, %d acknowledged locations, "
				+ "%d failed transactions), %d rows checked, rows lost = 0%n", THREADS, THREADS * OPERATIONS_PER_THREAD,
				reads.get(), acknowledged.size(), failed.size(), rowsChecked);
	}

}
