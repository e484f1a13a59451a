package io.shardwise.demo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.shardwise.routing.ShardRoutingException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.data.core.PropertyReferenceException;
import org.springframework.data.domain.Example;
import org.springframework.data.domain.ExampleMatcher;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Fan-out query shapes whose merge needs more than the entity's properties: fluent
 * queries, projections and DTOs, native queries sorted by columns, and sorts by a property
 * of a LAZY association outside a transaction. Each answer equals what one database
 * holding every shard's rows returns; what cannot be merged exactly is refused before any
 * shard runs.
 */
@PropertyShards
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryShapeTest {

	private static final String TRUTH = PropertyShards.TRUTH;

	private final NamedShardDatabases databases = new NamedShardDatabases("prop");

	@Autowired
	MeasurementShapes shapes;

	@Autowired
	MeasurementRepository repository;

	@Autowired
	ReportShapes reports;

	@Autowired
	WeatherLocationRepository locations;

	@BeforeAll
	void load() throws SQLException {
		PropertyShards.Loader.load(this.repository);
		List<WeatherLocation> added = new ArrayList<>();
		String[] continents = { "Asia", "Europe", "North America", "South America" };
		for (int i = 0; i < 12; i++) {
			// Cities repeat across shards, so that ties on the city span shards.
			WeatherLocation location = new WeatherLocation(continents[i % 4], "Q-City-" + (i * 7 % 5));
			for (int r = 0; r <= i % 3; r++) {
				location.addReport(i + r);
			}
			added.add(location);
		}
		this.locations.saveAll(added);
	}

	@AfterAll
	void deleteLocations() throws SQLException {
		for (String shard : ShardDatabases.SHARDS) {
			String database = this.databases.database(shard);
			NamedShardDatabases.update(database, "delete from weather_reports where location_id in "
					+ "(select id from weather_locations where city like 'Q-%')");
			NamedShardDatabases.update(database, "delete from weather_locations where city like 'Q-%'");
		}
	}

	private static Specification<Measurement> seqAtLeast(int minSeq) {
		return (root, query, builder) -> builder.greaterThanOrEqualTo(root.get("seq"), minSeq);
	}

	private static List<Long> truth(String sql, Object... args) throws SQLException {
		return NamedShardDatabases.longs(TRUTH, sql, args);
	}

	private static List<Long> ids(Iterable<Measurement> rows) {
		List<Long> ids = new ArrayList<>();
		rows.forEach((row) -> ids.add(row.getId()));
		return ids;
	}

	@Test
	void fluentQueriesMergeLikeOneDatabase() throws SQLException {
		Specification<Measurement> spec = seqAtLeast(10);
		assertThat(ids(this.shapes.findBy(spec, (q) -> q.sortBy(Sort.by("city")).all())))
			.containsExactlyElementsOf(truth("select id from measurements where seq >= 10 order by city, id"));
		assertThat(ids(this.shapes.findBy(spec, (q) -> q.sortBy(Sort.by(Sort.Order.desc("reading"))).limit(9).all())))
			.containsExactlyElementsOf(
					truth("select id from measurements where seq >= 10 order by reading desc, id limit 9"));
		Page<Measurement> page = this.shapes.findBy(spec,
				(q) -> q.sortBy(Sort.by("amount")).page(PageRequest.of(3, 7)));
		assertThat(ids(page.getContent())).containsExactlyElementsOf(
				truth("select id from measurements where seq >= 10 order by amount, id limit 7 offset 21"));
		assertThat(page.getTotalElements())
			.isEqualTo(truth("select count(*) from measurements where seq >= 10").get(0));
		Page<Measurement> pageSortedByPageable = this.shapes.findBy(spec,
				(q) -> q.page(PageRequest.of(2, 5, Sort.by(Sort.Order.desc("label")))));
		assertThat(ids(pageSortedByPageable.getContent())).containsExactlyElementsOf(
				truth("select id from measurements where seq >= 10 order by label desc, id limit 5 offset 10"));
		Slice<Measurement> slice = this.shapes.findBy(spec,
				(q) -> q.slice(PageRequest.of(1, 6, Sort.by("region", "city"))));
		assertThat(ids(slice.getContent())).containsExactlyElementsOf(
				truth("select id from measurements where seq >= 10 order by region, city, id limit 6 offset 6"));
		assertThat(slice.hasNext()).isTrue();
		Measurement first = this.shapes.findBy(spec,
				(q) -> q.sortBy(Sort.by(Sort.Order.desc("amount"), Sort.Order.asc("id"))).firstValue());
		assertThat(first.getId()).isEqualTo(
				truth("select id from measurements where seq >= 10 order by amount desc, id limit 1").get(0));
		Long count = this.shapes.findBy(spec, (q) -> q.count());
		assertThat(count).isEqualTo(truth("select count(*) from measurements where seq >= 10").get(0));
		// What the function does with the terminal operation's result applies to the merged one.
		Integer size = this.shapes.findBy(spec, (q) -> q.all().size());
		assertThat(size).isEqualTo(truth("select count(*) from measurements where seq >= 10").get(0).intValue());
		Example<Measurement> europe = Example.of(new Measurement("Europe", null, null, null, 0, null),
				ExampleMatcher.matching().withIgnorePaths("seq", "measuredAt"));
		Long europeCount = this.shapes.findBy(europe, (q) -> q.count());
		assertThat(europeCount).isEqualTo(truth("select count(*) from measurements where region = 'Europe'").get(0));
	}

	@Test
	void fluentExistsAndOneFindTheShardThatHoldsTheRow() throws SQLException {
		long id = truth("select id from measurements where region = 'South America' order by id limit 1").get(0);
		Specification<Measurement> one = (root, query, builder) -> builder.equal(root.get("id"), id);
		Boolean exists = this.shapes.findBy(one, (q) -> q.exists());
		assertThat(exists).isTrue();
		Measurement only = this.shapes.findBy(one, (q) -> q.oneValue());
		assertThat(only.getId()).isEqualTo(id);
		Optional<Measurement> first = this.shapes.findBy(one, (q) -> q.first());
		assertThat(first).get().extracting(Measurement::getId).isEqualTo(id);
		Specification<Measurement> none = (root, query, builder) -> builder.equal(root.get("id"), -1L);
		Boolean noneExists = this.shapes.findBy(none, (q) -> q.exists());
		assertThat(noneExists).isFalse();
		Optional<Measurement> noRow = this.shapes.findBy(none, (q) -> q.one());
		assertThat(noRow).isEmpty();
		// Rows on several shards: one() fails as it would on one database.
		assertThatExceptionOfType(IncorrectResultSizeDataAccessException.class)
			.isThrownBy(() -> this.shapes.findBy(seqAtLeast(0), (q) -> q.oneValue()));
	}

	@Test
	void fluentQueriesThatCannotBeMergedAreRefusedBeforeAnyShardRuns() throws SQLException {
		Specification<Measurement> spec = seqAtLeast(0);
		refusedBeforeAnyShard(() -> this.shapes.findBy(spec, (q) -> {
			try (Stream<Measurement> rows = q.stream()) {
				return rows.count();
			}
		}), ShardRoutingException.class, "findBy", "stream()", "all()");
		refusedBeforeAnyShard(
				() -> this.shapes.findBy(spec,
						(q) -> q.as(MeasurementShapes.CityView.class).sortBy(Sort.by("reading")).all()),
				ShardRoutingException.class, "findBy", "'reading'", "CityView");
		refusedBeforeAnyShard(() -> this.shapes.findBy(spec, (q) -> q.sortBy(Sort.by("nope")).all()),
				PropertyReferenceException.class, "nope");
		// A projection that exposes the order is merged.
		assertThat(this.shapes.findBy(spec, (q) -> q.as(MeasurementShapes.CityView.class).sortBy(Sort.by("city")).all())
			.stream()
			.map(MeasurementShapes.CityView::getId)
			.toList()).containsExactlyElementsOf(truth("select id from measurements where seq >= 0 order by city, id"));
	}

	@Test
	void projectionsMergeByThePropertiesTheyExpose() throws SQLException {
		assertThat(this.shapes.findBySeqGreaterThanEqual(5, Sort.by(Sort.Order.desc("city")))
			.stream()
			.map(MeasurementShapes.CityView::getId)
			.toList()).containsExactlyElementsOf(truth("select id from measurements where seq >= 5 order by city desc, id"));
		Page<MeasurementShapes.CityView> page = this.shapes.findPageBySeqGreaterThanEqual(5,
				PageRequest.of(4, 9, Sort.by("city")));
		assertThat(page.getContent().stream().map(MeasurementShapes.CityView::getId).toList()).containsExactlyElementsOf(
				truth("select id from measurements where seq >= 5 order by city, id limit 9 offset 36"));
		assertThat(page.getTotalElements()).isEqualTo(truth("select count(*) from measurements where seq >= 5").get(0));
		// Without the id, ties stay in shard order: the cities still come in order.
		assertThat(this.shapes.findCityBySeqGreaterThanEqual(5, Sort.by("city"))
			.stream()
			.map(MeasurementShapes.CityOnly::getCity)
			.toList()).containsExactlyElementsOf(NamedShardDatabases
				.rows(TRUTH, "select city from measurements where seq >= 5 order by city")
				.stream()
				.map((row) -> (String) row.get(0))
				.toList());
		assertThat(this.shapes.findDtoBySeqGreaterThanEqual(5, Sort.by(Sort.Order.desc("reading"), Sort.Order.asc("city")))
			.stream()
			.map((dto) -> java.util.Arrays.<Object>asList(dto.reading(), dto.city()))
			.toList()).containsExactlyElementsOf(NamedShardDatabases.rows(TRUTH,
					"select reading, city from measurements where seq >= 5 order by reading desc, city"));
		assertThat(this.shapes.aliased(5, Sort.by(Sort.Order.desc("value"), Sort.Order.asc("id")))
			.stream()
			.map(MeasurementShapes.AliasView::getId)
			.toList()).containsExactlyElementsOf(
					truth("select id from measurements where seq >= 5 order by reading desc, id"));
		assertThat(this.shapes.findDynamicBySeqGreaterThanEqual(5, Sort.by("city"), MeasurementShapes.CityView.class)
			.stream()
			.map(MeasurementShapes.CityView::getId)
			.toList()).containsExactlyElementsOf(truth("select id from measurements where seq >= 5 order by city, id"));
	}

	@Test
	void projectionsSortedByAPropertyTheyDoNotExposeAreRefusedBeforeAnyShardRuns() throws SQLException {
		String[] names = { "'reading'", "CityView", "add 'reading'" };
		refusedBeforeAnyShard(() -> this.shapes.findBySeqGreaterThanEqual(0, Sort.by("reading")),
				ShardRoutingException.class, concat("findBySeqGreaterThanEqual", names));
		refusedBeforeAnyShard(() -> this.shapes.findTop5BySeqGreaterThanEqualOrderByReadingDesc(0),
				ShardRoutingException.class, concat("findTop5BySeqGreaterThanEqualOrderByReadingDesc", names));
		refusedBeforeAnyShard(
				() -> this.shapes.findPageBySeqGreaterThanEqual(0, PageRequest.of(1, 5, Sort.by("reading"))),
				ShardRoutingException.class, concat("findPageBySeqGreaterThanEqual", names));
		refusedBeforeAnyShard(() -> this.shapes.streamBySeqGreaterThanEqual(0, Sort.by("reading")).close(),
				ShardRoutingException.class, concat("streamBySeqGreaterThanEqual", names));
		refusedBeforeAnyShard(() -> this.shapes.findDtoBySeqGreaterThanEqual(0, Sort.by("amount")),
				ShardRoutingException.class, "findDtoBySeqGreaterThanEqual", "'amount'", "CityReading",
				"record component");
		refusedBeforeAnyShard(
				() -> this.shapes.findDynamicBySeqGreaterThanEqual(0, Sort.by("reading"),
						MeasurementShapes.CityView.class),
				ShardRoutingException.class, "findDynamicBySeqGreaterThanEqual", "'reading'", "CityView");
		refusedBeforeAnyShard(() -> this.shapes.aliased(0, Sort.by("amount")), ShardRoutingException.class,
				"aliased", "'amount'", "AliasView");
	}

	@Test
	void nativeQueriesSortedByColumnsMergeByTheirProperties() throws SQLException {
		Page<Measurement> page = this.shapes.nativePage(3, PageRequest.of(2, 10, Sort.by("measured_at", "amount")));
		assertThat(ids(page.getContent())).containsExactlyElementsOf(
				truth("select id from measurements where seq >= 3 order by measured_at, amount, id limit 10 offset 20"));
		assertThat(page.getTotalElements()).isEqualTo(truth("select count(*) from measurements where seq >= 3").get(0));
		assertThat(ids(this.shapes.nativeList(3, Sort.by(Sort.Order.desc("reading"), Sort.Order.asc("city")))))
			.containsExactlyElementsOf(
					truth("select id from measurements where seq >= 3 order by reading desc, city, id"));
		refusedBeforeAnyShard(() -> this.shapes.nativePage(3, PageRequest.of(0, 10, Sort.by("measuredAt"))),
				ShardRoutingException.class, "nativePage", "'measuredAt'", "no column");
	}

	@Test
	void nativeQueriesSortedByAForeignKeyMergeByTheAssociatedId() throws SQLException {
		List<long[]> rows = new ArrayList<>();
		for (String shard : ShardDatabases.SHARDS) {
			for (List<Object> row : NamedShardDatabases.rows(this.databases.database(shard),
					"select location_id, id from weather_reports")) {
				rows.add(new long[] { ((Number) row.get(0)).longValue(), ((Number) row.get(1)).longValue() });
			}
		}
		List<Long> expected = rows.stream()
			.sorted(Comparator.comparingLong((long[] row) -> -row[0]).thenComparingLong((row) -> row[1]))
			.map((row) -> row[1])
			.toList();
		assertThat(this.reports.nativeAll(Sort.by(Sort.Order.desc("location_id")))).extracting(Report::getId)
			.containsExactlyElementsOf(expected);
	}

	@Test
	void sortsByALazyAssociationOutsideATransactionAreExact() throws SQLException {
		List<Object[]> rows = new ArrayList<>();
		for (String shard : ShardDatabases.SHARDS) {
			for (List<Object> row : NamedShardDatabases.rows(this.databases.database(shard),
					"select r.id, l.city from weather_reports r join weather_locations l on l.id = r.location_id")) {
				rows.add(new Object[] { ((Number) row.get(0)).longValue(), row.get(1) });
			}
		}
		assertThat(rows).hasSizeGreaterThan(10);
		Comparator<Object[]> byCity = Comparator.comparing((Object[] row) -> (String) row[1]);
		List<Long> descending = rows.stream()
			.sorted(byCity.reversed().thenComparing((row) -> (Long) row[0]))
			.map((row) -> (Long) row[0])
			.toList();
		List<Long> ascending = rows.stream()
			.sorted(byCity.thenComparing((row) -> (Long) row[0]))
			.map((row) -> (Long) row[0])
			.toList();
		Sort cityDescending = Sort.by(Sort.Order.desc("location.city"));
		this.databases.resetStatistics();
		assertThat(this.reports.findByTemperatureGreaterThan(-1000, cityDescending)).extracting(Report::getId)
			.containsExactlyElementsOf(descending);
		// Each shard loads each of its locations once, in the session of its call.
		Map<String, Long> locationQueries = this.databases.statements("from weather_locations");
		for (String shard : ShardDatabases.SHARDS) {
			long locations = NamedShardDatabases.longs(this.databases.database(shard),
					"select count(distinct location_id) from weather_reports").get(0);
			assertThat(locationQueries.get(shard)).as("location queries on %s", shard).isLessThanOrEqualTo(locations);
		}
		System.out.println("Location queries per shard for a sort by location.city: " + locationQueries);
		assertThat(this.reports.findPageByTemperatureGreaterThan(-1000, PageRequest.of(1, 4, Sort.by("location.city")))
			.getContent()).extracting(Report::getId).containsExactlyElementsOf(ascending.subList(4, 8));
		try (Stream<Report> stream = this.reports.streamByTemperatureGreaterThan(-1000, cityDescending)) {
			assertThat(stream.map(Report::getId).toList()).containsExactlyElementsOf(descending);
		}
	}

	private static String[] concat(String first, String... rest) {
		String[] all = new String[rest.length + 1];
		all[0] = first;
		System.arraycopy(rest, 0, all, 1, rest.length);
		return all;
	}

	/**
	 * Spring Data JPA orders {@code ignoreCase} by {@code upper()} in derived queries and by
	 * {@code lower()} in the repository's own methods, specifications and string queries:
	 * the merge folds case as each does, which matters for text with {@code _ [ ^}.
	 */
	@Test
	void ignoreCaseOrdersMergeAsEachQueryFoldsCase() throws SQLException {
		Sort byLabel = Sort.by(Sort.Order.asc("label").ignoreCase(), Sort.Order.desc("id"));
		String lower = "select id from measurements where seq >= ? order by lower(label) asc, id desc";
		String upper = "select id from measurements where seq >= ? order by upper(label) asc, id desc";
		assertThat(truth(lower, 3)).as("the data orders differently by lower() and upper()")
			.isNotEqualTo(truth(upper, 3));
		assertThat(ids(this.repository.findAll(byLabel))).isEqualTo(truth(lower, 0));
		assertThat(ids(this.shapes.findAll(seqAtLeast(3), byLabel))).isEqualTo(truth(lower, 3));
		assertThat(ids(this.shapes.queried(3, byLabel))).isEqualTo(truth(lower, 3));
		assertThat(ids(this.shapes.nativeQueried(3, byLabel))).isEqualTo(truth(lower, 3));
		assertThat(ids(this.shapes.findAllBySeqGreaterThanEqual(3, byLabel))).isEqualTo(truth(upper, 3));
	}

	@Test
	void distinctValuesAreRefusedAndTheirGroupedFormMergesExactly() throws SQLException {
		refusedBeforeAnyShard(() -> this.shapes.distinctCities(0), ShardRoutingException.class,
				"MeasurementShapes.distinctCities", "DISTINCT java.lang.String rows", "group by");
		refusedBeforeAnyShard(() -> this.shapes.findDistinctCityBySeqGreaterThanEqual(0), ShardRoutingException.class,
				"findDistinctCityBySeqGreaterThanEqual", "DISTINCT " + MeasurementShapes.CityOnly.class.getName());
		List<String> cities = NamedShardDatabases.rows(TRUTH, "select distinct city from measurements")
			.stream()
			.map((row) -> (String) row.get(0))
			.toList();
		assertThat(this.shapes.groupedCities(0)).containsExactlyInAnyOrderElementsOf(cities);
		// Entities live on one shard: DISTINCT entities and their counts merge as usual.
		assertThat(this.shapes.findDistinctBySeqGreaterThanEqual(15)).extracting(Measurement::getId)
			.containsExactlyInAnyOrderElementsOf(truth("select id from measurements where seq >= ?", 15));
		assertThat(this.shapes.countDistinctBySeqGreaterThanEqual(15))
			.isEqualTo(truth("select id from measurements where seq >= ?", 15).size());
	}

	private void refusedBeforeAnyShard(ThrowingCallable call, Class<? extends Throwable> type, String... parts)
			throws SQLException {
		this.databases.resetStatistics();
		Throwable thrown = catchThrowable(call);
		assertThat(thrown).isInstanceOf(type);
		for (String part : parts) {
			assertThat(thrown).hasMessageContaining(part);
		}
		assertThat(this.databases.statements("measurements").values()).as("statements on the shards").containsOnly(0L);
	}

}
