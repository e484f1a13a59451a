package io.shardwise.benchmarks.weather;

import java.util.List;
import java.util.Map;

import io.shardwise.benchmarks.plain.PlainReport;
import io.shardwise.benchmarks.weather.FanOutQueries.Reading;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Window;

/**
 * The unsharded side of the fan-out benchmarks: the same queries on the unsharded
 * database through a plain {@code JdbcTemplate} and a plain Spring Data repository.
 * Before measuring, every query's answer is checked against the Shardwise side's.
 */
@State(Scope.Benchmark)
public class UnshardedQueries {

	/**
	 * Spring Data's offset position of the deep page: {@code ScrollPosition.offset(n)}
	 * starts after the row at offset n, so this window is rows 10,000 to 10,019
	 * ({@code offset 10000 rows fetch first 21 rows}); checked in setup.
	 */
	private static final ScrollPosition OFFSET_POSITION = ScrollPosition.offset(FanOutQueries.OFFSET - 1);

	private UnshardedWeather unsharded;

	/**
	 * Check that both sides answer alike.
	 * @param unsharded the unsharded reference
	 * @param queries the Shardwise side
	 */
	@Setup(Level.Trial)
	public void start(UnshardedWeather unsharded, FanOutQueries queries) {
		this.unsharded = unsharded;
		if (!top100().equals(queries.top100())) {
			throw new IllegalStateException("Top 100 differ: " + top100() + " vs " + queries.top100());
		}
		queries.check("unsharded offset window", offsetPage().getContent().stream().map(PlainReport::getId).toList());
		List<Map<String, Object>> plain = groupBy();
		List<Map<String, Object>> sharded = queries.groupBy();
		for (int i = 0; i < Math.max(plain.size(), sharded.size()); i++) {
			Map<String, Object> p = plain.get(i);
			Map<String, Object> s = sharded.get(i);
			if (!p.get("continent").equals(s.get("continent"))
					|| ((Number) p.get("reports")).longValue() != ((Number) s.get("reports")).longValue()
					|| Math.abs(((Number) p.get("average")).doubleValue()
							- ((Number) s.get("average")).doubleValue()) > 1e-9) {
				throw new IllegalStateException("GROUP BY differs: " + plain + " vs " + sharded);
			}
		}
	}

	public List<Reading> top100() {
		return this.unsharded.jdbcTemplate().query(FanOutQueries.TOP_100, FanOutQueries.READING);
	}

	public Window<PlainReport> offsetPage() {
		return this.unsharded.reports().findFirst20ByOrderByIdAsc(OFFSET_POSITION);
	}

	public List<Map<String, Object>> groupBy() {
		return this.unsharded.jdbcTemplate().queryForList(FanOutQueries.GROUP_BY_UNSHARDED);
	}

}
