package io.shardwise.benchmarks.weather;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.shardwise.benchmarks.sharded.Report;
import io.shardwise.benchmarks.sharded.ReportRepository;
import io.shardwise.jdbc.Aggregation;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.jdbc.core.RowMapper;

/**
 * The queries of the fan-out benchmarks and the Shardwise side's handles: the
 * {@code ShardedJdbcTemplate}, the report repository and the keyset position of page
 * {@value #PAGE} (computed once, before measuring). The SQL is the same on both sides;
 * {@code weather_reports.temperature} has no index, so every top-N query sorts its
 * database's rows.
 */
@State(Scope.Benchmark)
public class FanOutQueries {

	/** The page of the deep-page benchmarks (0-based), of {@value #PAGE_SIZE} rows. */
	public static final int PAGE = 500;

	/** Rows per page. */
	public static final int PAGE_SIZE = 20;

	/** The offset of the deep page: 10,000. */
	public static final int OFFSET = PAGE * PAGE_SIZE;

	/** The top-N query, the same text on every shard and on the unsharded database. */
	public static final String TOP_100 = "select id, temperature from weather_reports "
			+ "order by temperature desc, id limit 100";

	/** The order of {@link #TOP_100}, for merging. */
	public static final Comparator<Reading> TOP_ORDER = Comparator.comparingDouble(Reading::temperature)
		.reversed()
		.thenComparingLong(Reading::id);

	/** Maps a row of {@link #TOP_100}. */
	public static final RowMapper<Reading> READING = (rs, row) -> new Reading(rs.getLong(1), rs.getDouble(2));

	/** Per-shard partial aggregates of the GROUP BY benchmark. */
	public static final String GROUP_BY_SHARD = "select l.continent as continent, count(*) as reports, "
			+ "sum(r.temperature) as t_sum, count(r.temperature) as t_count "
			+ "from weather_reports r join weather_locations l on l.id = r.location_id group by l.continent";

	/** How {@link #GROUP_BY_SHARD}'s rows combine: COUNT summed, AVG = total sum / total count. */
	public static final Aggregation GROUP_BY_COMBINE = Aggregation.groupBy("continent")
		.count("reports")
		.avg("average", "t_sum", "t_count");

	/** The unsharded GROUP BY with AVG. */
	public static final String GROUP_BY_UNSHARDED = "select l.continent as continent, count(*) as reports, "
			+ "avg(r.temperature) as average "
			+ "from weather_reports r join weather_locations l on l.id = r.location_id group by l.continent "
			+ "order by l.continent";

	private ShardedJdbcTemplate sharded;

	private ReportRepository reports;

	private ScrollPosition keysetPosition;

	private Pageable deepPage;

	private List<Long> expectedPageIds;

	/**
	 * Take the Shardwise beans and compute the keyset position of the deep page: the id
	 * of the row just before offset {@value #OFFSET} in id order across all shards.
	 * @param weather the loaded shards
	 */
	@Setup(Level.Trial)
	public void start(ShardedWeather weather) {
		this.sharded = weather.context().getBean(ShardedJdbcTemplate.class);
		this.reports = weather.context().getBean(ReportRepository.class);
		List<Long> firstIds = this.sharded.onAllShards()
			.queryOrdered("select id from weather_reports order by id limit " + (OFFSET + PAGE_SIZE),
					(rs, row) -> rs.getLong(1), Comparator.naturalOrder(), OFFSET + PAGE_SIZE);
		this.expectedPageIds = List.copyOf(firstIds.subList(OFFSET, OFFSET + PAGE_SIZE));
		this.keysetPosition = ScrollPosition.forward(Map.of("id", firstIds.get(OFFSET - 1)));
		this.deepPage = PageRequest.of(PAGE, PAGE_SIZE, Sort.by("id"));
		check("keyset window", keysetPage().getContent().stream().map(Report::getId).toList());
		check("offset page (Shardwise rewrite)", offsetPage().getContent().stream().map(Report::getId).toList());
	}

	void check(String what, List<Long> ids) {
		if (!ids.equals(this.expectedPageIds)) {
			throw new IllegalStateException(
					"The " + what + " returned " + ids + " instead of " + this.expectedPageIds);
		}
	}

	public List<Reading> top100() {
		return this.sharded.onAllShards().queryOrdered(TOP_100, READING, TOP_ORDER, 100);
	}

	public Window<Report> keysetPage() {
		return this.reports.findFirst20ByOrderByIdAsc(this.keysetPosition);
	}

	public org.springframework.data.domain.Slice<Report> offsetPage() {
		return this.reports.findBy(this.deepPage);
	}

	public List<Map<String, Object>> groupBy() {
		return this.sharded.onAllShards().aggregate(GROUP_BY_SHARD, GROUP_BY_COMBINE);
	}

	public ShardedJdbcTemplate sharded() {
		return this.sharded;
	}

	public Pageable deepPage() {
		return this.deepPage;
	}

	/**
	 * A report's id and temperature.
	 * @param id the id
	 * @param temperature the temperature
	 */
	public record Reading(long id, double temperature) {
	}

}
