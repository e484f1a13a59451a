package io.shardwise.benchmarks.weather;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.shardwise.benchmarks.plain.PlainLocationRecord;
import io.shardwise.benchmarks.plain.PlainLocationRecordRepository;
import io.shardwise.benchmarks.plain.PlainReport;
import io.shardwise.benchmarks.plain.PlainReportRepository;
import io.shardwise.benchmarks.sharded.LocationRecord;
import io.shardwise.benchmarks.sharded.Report;
import io.shardwise.benchmarks.weather.FanOutQueries.Reading;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Window;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The unsharded side of the small fan-outs and deep pages: the same SQL through a plain
 * {@code JdbcTemplate}, the same repository methods through plain Spring Data, on the
 * database holding all rows. Before measuring, every answer is checked against the
 * Shardwise side's.
 */
@State(Scope.Benchmark)
public class UnshardedSmallQueries {

	private JdbcTemplate jdbcTemplate;

	private PlainReportRepository reports;

	private PlainLocationRecordRepository records;

	private SmallFanOutQueries sharded;

	/**
	 * Check that both sides answer alike.
	 * @param unsharded the unsharded reference
	 * @param sharded the Shardwise side
	 * @param weather the loaded shards
	 */
	@Setup(Level.Trial)
	public void start(UnshardedWeather unsharded, SmallFanOutQueries sharded, ShardedWeather weather) {
		this.jdbcTemplate = unsharded.jdbcTemplate();
		this.reports = unsharded.reports();
		this.records = unsharded.context().getBean(PlainLocationRecordRepository.class);
		this.sharded = sharded;
		same("JDBC keyset page", jdbcKeysetPage(), sharded.jdbcKeysetPage());
		same("JPA keyset window", jpaKeysetWindow().getContent().stream().map(PlainReport::getId).toList(),
				sharded.jpaKeysetWindow().getContent().stream().map(Report::getId).toList());
		same("JDBC OFFSET page", jdbcOffsetPage(), sharded.jdbcOffsetPage());
		Page<PlainReport> plainPage = jpaDeepPage();
		Page<Report> shardedPage = sharded.jpaDeepPage();
		same("JPA Page", plainPage.getContent().stream().map(PlainReport::getId).toList(),
				shardedPage.getContent().stream().map(Report::getId).toList());
		same("JPA Page total", plainPage.getTotalElements(), shardedPage.getTotalElements());
		for (long id : sharded.reportIds()) {
			same("JDBC by id " + id, jdbcFindById(id), sharded.jdbcFindById(id));
		}
		LocationKeys keys = weather.focusKeys();
		for (int i = 0; i < 100; i++) {
			long id = keys.ids()[i];
			String city = keys.cities()[i];
			same("JPA by id " + id, jpaFindById(id).map(PlainLocationRecord::getCity),
					sharded.jpaFindById(id).map(LocationRecord::getCity));
			same("JPA by city " + city, jpaFindByCity(city).map(PlainLocationRecord::getId),
					sharded.jpaFindByCity(city).map(LocationRecord::getId));
			same("JPA count " + city, jpaCountByCity(city), sharded.jpaCountByCity(city));
			same("JPA exists " + city, jpaExistsByCity(city), sharded.jpaExistsByCity(city));
		}
		same("JPA missing id", Optional.empty(), sharded.jpaFindById(-1L).map(LocationRecord::getCity));
		same("JPA exists missing", false, sharded.jpaExistsByCity("nowhere"));
	}

	private static void same(String what, Object plain, Object sharded) {
		if (!Objects.equals(plain, sharded)) {
			throw new IllegalStateException(what + " differs: " + plain + " unsharded vs " + sharded + " sharded");
		}
	}

	public List<Reading> jdbcKeysetPage() {
		return this.jdbcTemplate.query(SmallFanOutQueries.KEYSET_PAGE, SmallFanOutQueries.READING,
				this.sharded.keysetStart());
	}

	public Window<PlainReport> jpaKeysetWindow() {
		return this.reports.findFirst20ByOrderByIdAsc(this.sharded.keysetPosition());
	}

	public Optional<Reading> jdbcFindById(long id) {
		List<Reading> rows = this.jdbcTemplate.query(SmallFanOutQueries.BY_ID, SmallFanOutQueries.READING, id);
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
	}

	public Optional<PlainLocationRecord> jpaFindById(long id) {
		return this.records.findById(id);
	}

	public Optional<PlainLocationRecord> jpaFindByCity(String city) {
		return this.records.findByCity(city);
	}

	public long jpaCountByCity(String city) {
		return this.records.countByCity(city);
	}

	public boolean jpaExistsByCity(String city) {
		return this.records.existsByCity(city);
	}

	public List<Reading> jdbcOffsetPage() {
		return this.jdbcTemplate.query(SmallFanOutQueries.OFFSET_PAGE, SmallFanOutQueries.READING);
	}

	public Page<PlainReport> jpaDeepPage() {
		return this.reports.findAll(this.sharded.deepPage());
	}

}
