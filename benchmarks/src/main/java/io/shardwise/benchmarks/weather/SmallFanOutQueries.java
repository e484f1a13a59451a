package io.shardwise.benchmarks.weather;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.shardwise.benchmarks.sharded.LocationRecord;
import io.shardwise.benchmarks.sharded.LocationRecordRepository;
import io.shardwise.benchmarks.sharded.Report;
import io.shardwise.benchmarks.sharded.ReportRepository;
import io.shardwise.benchmarks.weather.FanOutQueries.Reading;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.jdbc.core.RowMapper;

/**
 * The Shardwise side of the small fan-outs and deep pages (issue 10): statements that
 * cost a few microseconds on each shard, so that what the fan-out itself costs shows.
 * The SQL is the same text on every shard and on the unsharded database.
 */
@State(Scope.Benchmark)
public class SmallFanOutQueries {

	/** A keyset page of 20 in id order. */
	public static final String KEYSET_PAGE = "select id, temperature from weather_reports where id > ? "
			+ "order by id limit 20";

	/** A point read by primary key. */
	public static final String BY_ID = "select id, temperature from weather_reports where id = ?";

	/** The deep page on the unsharded database: rows 10,000 to 10,019 in id order. */
	public static final String OFFSET_PAGE = "select id, temperature from weather_reports order by id "
			+ "limit 20 offset " + FanOutQueries.OFFSET;

	/** The order of every page here: by id. */
	public static final Comparator<Reading> BY_ID_ORDER = Comparator.comparingLong(Reading::id);

	/** Maps {@code id, temperature}. */
	public static final RowMapper<Reading> READING = FanOutQueries.READING;

	private ShardedJdbcTemplate sharded;

	private ReportRepository reports;

	private LocationRecordRepository records;

	private long keysetStart;

	private ScrollPosition keysetPosition;

	private Pageable deepPage;

	private long[] reportIds;

	/**
	 * Take the Shardwise beans; the keyset pages start after the report at offset 9,999
	 * in id order across all shards, and the point reads walk reports of every shard.
	 * @param weather the loaded shards
	 */
	@Setup(Level.Trial)
	public void start(ShardedWeather weather) {
		this.sharded = weather.context().getBean(ShardedJdbcTemplate.class);
		this.reports = weather.context().getBean(ReportRepository.class);
		this.records = weather.context().getBean(LocationRecordRepository.class);
		List<Long> firstIds = this.sharded.onAllShards()
			.queryOrdered("select id from weather_reports order by id limit " + FanOutQueries.OFFSET,
					(rs, row) -> rs.getLong(1), Comparator.naturalOrder(), FanOutQueries.OFFSET);
		this.keysetStart = firstIds.get(FanOutQueries.OFFSET - 1);
		this.keysetPosition = ScrollPosition.forward(Map.of("id", this.keysetStart));
		this.deepPage = PageRequest.of(FanOutQueries.PAGE, FanOutQueries.PAGE_SIZE, Sort.by("id"));
		// Every 97th of the first 10,000 reports: ids of all four shards, in a fixed order.
		this.reportIds = java.util.stream.IntStream.range(0, firstIds.size())
			.filter((i) -> i % 97 == 0)
			.mapToLong((i) -> firstIds.get(i))
			.toArray();
	}

	public long keysetStart() {
		return this.keysetStart;
	}

	public ScrollPosition keysetPosition() {
		return this.keysetPosition;
	}

	public Pageable deepPage() {
		return this.deepPage;
	}

	public long[] reportIds() {
		return this.reportIds;
	}

	/** JDBC keyset page: {@link #KEYSET_PAGE} on every shard, merged by id, 20 kept. */
	public List<Reading> jdbcKeysetPage() {
		return this.sharded.onAllShards().queryOrdered(KEYSET_PAGE, READING, BY_ID_ORDER, 20, this.keysetStart);
	}

	/** JPA keyset window of 20 after the same id. */
	public Window<Report> jpaKeysetWindow() {
		return this.reports.findFirst20ByOrderByIdAsc(this.keysetPosition);
	}

	/** JDBC scatter by id: {@link #BY_ID} on every shard, the one hit. */
	public Optional<Reading> jdbcFindById(long id) {
		return this.sharded.onAllShards().queryForOptional(BY_ID, READING, id);
	}

	/** JPA scatter by an id that is not a Shardwise id. */
	public Optional<LocationRecord> jpaFindById(long id) {
		return this.records.findById(id);
	}

	public Optional<LocationRecord> jpaFindByCity(String city) {
		return this.records.findByCity(city);
	}

	public long jpaCountByCity(String city) {
		return this.records.countByCity(city);
	}

	public boolean jpaExistsByCity(String city) {
		return this.records.existsByCity(city);
	}

	/**
	 * JDBC OFFSET 10000 LIMIT 20 in id order across the shards: {@code queryPage}, the
	 * boundary search (three short statements per shard instead of 10,020 rows each).
	 */
	public List<Reading> jdbcOffsetPage() {
		return this.sharded.onAllShards()
			.queryPage("select id, temperature from weather_reports", READING, this.deepPage, "id");
	}

	/** JPA {@code Page} 500 of 20 by id, with its total. */
	public Page<Report> jpaDeepPage() {
		return this.reports.findAll(this.deepPage);
	}

}
