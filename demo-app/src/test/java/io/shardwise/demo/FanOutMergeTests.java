package io.shardwise.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.shardwise.routing.ShardRoutingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * How the results of unkeyed repository methods merge across the four shards.
 */
abstract class FanOutMergeTests {

	@Autowired
	ShardDatabases databases;

	@Autowired
	LocationQueries queries;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	ReportRepository reports;

	@Autowired
	ReportStats reportStats;

	@Autowired
	FanOutCounter fanOuts;

	@BeforeEach
	void saveTestRows() throws Exception {
		this.locations.saveAll(List.of(new WeatherLocation("Asia", "T-Twin"), new WeatherLocation("Europe", "T-Twin"),
				new WeatherLocation("Europe", "T-Solo"), new WeatherLocation("South America", "T-Other")));
		this.databases.resetStatementCounts();
	}

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void singleResultComesFromTheOneShardThatHasIt() {
		assertThat(this.queries.findByCity("T-Solo")).get().extracting(WeatherLocation::getContinent)
			.isEqualTo("Europe");
		assertThat(this.queries.getByCity("T-Solo").getContinent()).isEqualTo("Europe");
		assertThat(this.queries.findByCity("T-None")).isEmpty();
	}

	@Test
	void singleResultFoundOnTwoShardsIsAnError() {
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class)
			.isThrownBy(() -> this.queries.findByCity("T-Twin"))
			.withMessageContaining("2 shards");
	}

	@Test
	void countsSumExistsOrSetsUnite() {
		assertThat(this.queries.countByCityStartingWith("T-")).isEqualTo(4);
		assertThat(this.queries.existsByCity("T-Other")).isTrue();
		assertThat(this.queries.existsByCity("T-None")).isFalse();
		assertThat(this.queries.findByCityStartingWith("T-")).hasSize(4);
	}

	@Test
	void deleteByReturnsTheSumOfRowsDeletedOnEveryShard() throws Exception {
		assertThat(this.queries.deleteByCityStartingWith("T-")).isEqualTo(4);
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::city)
				.noneMatch((city) -> city.startsWith("T-"));
		}
	}

	@Test
	void pagesMergeInOrderWithSummedTotals() {
		Page<WeatherLocation> page = this.queries.findByContinentNot("Asia",
				PageRequest.of(1, 2, Sort.by("city").descending()));
		List<String> expected = this.locations.findAll()
			.stream()
			.filter((location) -> !location.getContinent().equals("Asia"))
			.map(WeatherLocation::getCity)
			.sorted(Comparator.reverseOrder())
			.toList();
		assertThat(page.getTotalElements()).isEqualTo(expected.size());
		assertThat(page.getContent()).extracting(WeatherLocation::getCity).containsExactlyElementsOf(expected.subList(2, 4));
	}

	@Test
	void deepPagesOfAllReportsAreThosePagesOfTheMergedOrder() {
		// Uneven shards, many equal temperatures: pages from 16 per shard on take the
		// boundary search, and keep the repository method's entity graph. The locations'
		// reports are written one location after the other, so in id order each shard's
		// rows lie together: the first bound is far before the page, and refinement rounds
		// move it closer.
		int[] counts = { 80, 20, 5, 40 };
		String[] continents = { "Europe", "Asia", "South America", "North America" };
		for (int c = 0; c < continents.length; c++) {
			WeatherLocation location = new WeatherLocation(continents[c], "T-Deep-" + c);
			for (int i = 0; i < counts[c]; i++) {
				location.addReport((i * 7 + c) % 9);
			}
			this.locations.save(location);
		}
		List<Report> all = this.reports.findAll();
		int refined = 0;
		DeepPageFallbacks fallbacks = new DeepPageFallbacks();
		try (fallbacks) {
			for (String property : new String[] { "temperature", "id" }) {
				for (boolean descending : new boolean[] { false, true }) {
					Comparator<Report> byProperty = property.equals("id") ? Comparator.comparing(Report::getId)
							: Comparator.comparingDouble(Report::getTemperature);
					Comparator<Report> order = (descending ? byProperty.reversed() : byProperty)
						.thenComparing(Report::getId);
					List<Long> expected = all.stream().sorted(order).map(Report::getId).toList();
					Sort sort = Sort.by(descending ? Sort.Direction.DESC : Sort.Direction.ASC, property);
					for (int size : new int[] { 1, 3, 7 }) {
						for (int number = 16; (long) number * size < expected.size() + size; number += 5) {
							PageRequest request = PageRequest.of(number, size, sort);
							AtomicReference<Page<Report>> found = new AtomicReference<>();
							int fanOuts = this.fanOuts.fanOuts(".findAll",
									() -> found.set(this.reports.findAll(request)));
							// Four fan-outs without a refinement, two more a round.
							refined += (fanOuts > 4) ? 1 : 0;
							Page<Report> page = found.get();
							int from = Math.min(expected.size(), number * size);
							List<Long> pageIds = expected.subList(from, Math.min(expected.size(), from + size));
							assertThat(page.getContent()).as("page %d of size %d by %s", number, size, sort)
								.extracting(Report::getId)
								.containsExactlyElementsOf(pageIds);
							assertThat(page.getTotalElements()).isEqualTo(expected.size());
							assertThat(page.getContent()).extracting(Report::getLocation)
								.as("locations fetched by the method's entity graph")
								.allMatch(org.hibernate.Hibernate::isInitialized);
						}
					}
				}
			}
		}
		assertThat(refined).as("pages whose bound a refinement round moved closer").isPositive();
		assertThat(fallbacks.messages()).as("deep pages that fell back to the ordinary page").isEmpty();
	}

	@Test
	void streamsMergeLazilyInOrder() {
		try (Stream<WeatherLocation> stream = this.queries.streamByCityStartingWithOrderByCityDesc("T-")) {
			assertThat(stream.map(WeatherLocation::getCity)).containsExactly("T-Twin", "T-Twin", "T-Solo", "T-Other");
		}
		try (Stream<WeatherLocation> stream = this.queries.streamByCityStartingWith("T-")) {
			assertThat(stream.map(WeatherLocation::getContinent)).hasSize(4)
				.containsOnly("Asia", "Europe", "South America");
		}
	}

	@Test
	void closingAStreamEarlyStopsItsShardProducers() throws Exception {
		try (Stream<WeatherLocation> stream = this.queries.streamByCityStartingWithOrderByCityDesc("T-")) {
			assertThat(stream.findFirst()).get().extracting(WeatherLocation::getCity).isEqualTo("T-Twin");
		}
		for (int i = 0; i < 100 && streamThreads() > 0; i++) {
			Thread.sleep(50);
		}
		assertThat(streamThreads()).isZero();
	}

	private static long streamThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("shardwise-stream-") && thread.isAlive())
			.count();
	}

	@Test
	void listWithPageableIsThatPageOfTheMergedOrder() {
		assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(0, 2, Sort.by("city"))))
			.extracting(WeatherLocation::getCity)
			.containsExactly("T-Other", "T-Solo");
		assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(1, 3, Sort.by("city"))))
			.extracting(WeatherLocation::getCity)
			.containsExactly("T-Twin");
		assertThat(this.queries.findByCityStartingWith("T-", PageRequest.of(2, 2))).isEmpty();
	}

	@Test
	void groupedReportQueriesEqualTheGroupsOfAllShardsRows() throws Exception {
		List<WeatherLocation> twins = new ArrayList<>(this.queries.findByCityStartingWith("T-Twin"));
		assertThat(twins).hasSize(2);
		this.reports.saveAll(List.of(new Report(twins.get(0), 1.5), new Report(twins.get(0), 2.5),
				new Report(twins.get(1), 6.0)));
		// The truth: every shard's rows, read by plain JDBC and grouped here.
		Map<Long, ShardDatabases.Location> locationsById = new HashMap<>();
		List<ShardDatabases.ReportRow> allReports = new ArrayList<>();
		for (String shard : ShardDatabases.SHARDS) {
			this.databases.locations(shard).forEach((location) -> locationsById.put(location.id(), location));
			allReports.addAll(this.databases.reports(shard));
		}
		for (boolean byContinent : new boolean[] { true, false }) {
			Map<String, double[]> truth = new HashMap<>();
			for (ShardDatabases.ReportRow report : allReports) {
				ShardDatabases.Location location = locationsById.get(report.locationId());
				double[] group = truth.computeIfAbsent(byContinent ? location.continent() : location.city(),
						(key) -> new double[] { 0, 0, Double.MAX_VALUE });
				group[0]++;
				group[1] += report.temperature();
				group[2] = Math.min(group[2], report.temperature());
			}
			List<Object[]> merged = byContinent ? this.reportStats.statsByContinent() : this.reportStats.statsByCity();
			assertThat(merged).as("one row per group").hasSize(truth.size());
			for (Object[] row : merged) {
				double[] expected = truth.get((String) row[0]);
				assertThat(expected).as("group " + row[0]).isNotNull();
				assertThat(row[1]).as("count of " + row[0]).isEqualTo((long) expected[0]);
				assertThat((Double) row[2]).as("avg of " + row[0]).isCloseTo(expected[1] / expected[0], within(1e-9));
				if (!byContinent) {
					assertThat(row[3]).as("min of " + row[0]).isEqualTo(expected[2]);
				}
			}
		}
		// T-Twin has rows on two shards: one group, (1.5 + 2.5 + 6.0) / 3.
		assertThat(this.reportStats.statsByCity()).filteredOn((row) -> "T-Twin".equals(row[0]))
			.singleElement()
			.satisfies((row) -> assertThat(row).containsExactly("T-Twin", 3L, 10.0 / 3, 1.5));
	}

	@Test
	void aggregateQueriesMergeAcrossShards() throws Exception {
		long max = Long.MIN_VALUE;
		for (String shard : ShardDatabases.SHARDS) {
			for (ShardDatabases.Location location : this.databases.locations(shard)) {
				max = Math.max(max, location.id());
			}
		}
		assertThat(this.queries.maxId()).isEqualTo(max);
	}

	@Test
	void unmergeableResultsAreRefusedBeforeAnyShardRuns() throws Exception {
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.queries.citiesOnSeveralRows())
			.withMessageContaining("citiesOnSeveralRows")
			.withMessageContaining("HAVING");
		assertThatExceptionOfType(ShardRoutingException.class).isThrownBy(() -> this.queries.findAllOrderedInQuery())
			.withMessageContaining("ORDER BY");
		assertThat(this.databases.statementCounts().values()).containsOnly(0);
	}

}
