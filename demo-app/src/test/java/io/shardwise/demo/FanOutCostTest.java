package io.shardwise.demo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ordered merge stays bounded: with 5,000 rows per shard, a first page or window of
 * 10 makes each shard's database return about 10 rows, and keyset window 50 costs each
 * shard what window 1 cost. Rows are counted by H2 itself (QUERY_STATISTICS).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
		"shardwise.shards[north_america].url=jdbc:h2:mem:cost_north_america;DB_CLOSE_DELAY=-1",
		"shardwise.shards[asia].url=jdbc:h2:mem:cost_asia;DB_CLOSE_DELAY=-1",
		"shardwise.shards[europe].url=jdbc:h2:mem:cost_europe;DB_CLOSE_DELAY=-1",
		"shardwise.shards[south_america].url=jdbc:h2:mem:cost_south_america;DB_CLOSE_DELAY=-1",
		"shardwise.migration.locations=classpath:db/migration,classpath:db/testmigration" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanOutCostTest {

	private static final int ROWS_PER_SHARD = 5000;

	private static final int SIZE = 10;

	/** Amount descending (many ties), then city, then the id Shardwise appends. */
	private static final Sort SORT = Sort.by(Sort.Order.desc("amount"), Sort.Order.asc("city"));

	private final NamedShardDatabases databases = new NamedShardDatabases("cost");

	@Autowired
	MeasurementQueries queries;

	/** Every row's id, amount and city, in the order of {@link #SORT} plus id. */
	private final List<Object[]> expected = new ArrayList<>();

	@BeforeAll
	void insertRows() throws SQLException {
		Random random = new Random(MeasurementData.seed());
		long id = 1;
		for (String region : MeasurementData.REGIONS) {
			String shard = ShardDatabases.SHARD_OF_CONTINENT.get(region);
			try (Connection connection = NamedShardDatabases.connect(this.databases.database(shard));
					PreparedStatement insert = connection.prepareStatement("insert into measurements "
							+ "(id, region, city, label, reading, seq, amount) values (?, ?, ?, null, null, 0, ?)")) {
				connection.setAutoCommit(false);
				for (int i = 0; i < ROWS_PER_SHARD; i++) {
					String city = MeasurementData.CITIES.get(random.nextInt(MeasurementData.CITIES.size()));
					BigDecimal amount = BigDecimal.valueOf(random.nextInt(400), 1);
					insert.setLong(1, id);
					insert.setString(2, region);
					insert.setString(3, city);
					insert.setBigDecimal(4, amount);
					insert.addBatch();
					this.expected.add(new Object[] { id, amount, city });
					id++;
				}
				insert.executeBatch();
				connection.commit();
			}
		}
		this.expected.sort(Comparator.comparing((Object[] row) -> (BigDecimal) row[1])
			.reversed()
			.thenComparing((Object[] row) -> (String) row[2])
			.thenComparing((Object[] row) -> (Long) row[0]));
	}

	@Test
	void firstPageFetchesOnePageFromEachShard() throws SQLException {
		this.databases.resetStatistics();
		Page<Measurement> page = this.queries.findPageBySeqGreaterThanEqual(0, PageRequest.of(0, SIZE, SORT));
		Map<String, Long> fetched = this.databases.rowsFetched("measurements");
		assertThat(ids(page.getContent())).containsExactlyElementsOf(expectedIds(0, SIZE));
		assertThat(page.getTotalElements()).isEqualTo(4L * ROWS_PER_SHARD);
		assertThat(fetched).as("rows each shard returned").hasSize(4).allSatisfy((shard, rows) ->
				assertThat(rows).isPositive().isLessThanOrEqualTo(SIZE + 1));
	}

	@Test
	void keysetWindowFiftyCostsEachShardWhatWindowOneCost() throws SQLException {
		this.databases.resetStatistics();
		Window<Measurement> window = this.queries.findWindowBySeqGreaterThanEqual(0, ScrollPosition.keyset(), SORT,
				Limit.of(SIZE));
		Map<String, Long> first = this.databases.rowsFetched("measurements");
		assertThat(ids(window.getContent())).containsExactlyElementsOf(expectedIds(0, SIZE));
		for (int n = 2; n < 50; n++) {
			window = this.queries.findWindowBySeqGreaterThanEqual(0, window.positionAt(window.size() - 1), SORT,
					Limit.of(SIZE));
		}
		this.databases.resetStatistics();
		window = this.queries.findWindowBySeqGreaterThanEqual(0, window.positionAt(window.size() - 1), SORT,
				Limit.of(SIZE));
		Map<String, Long> fiftieth = this.databases.rowsFetched("measurements");
		assertThat(ids(window.getContent())).containsExactlyElementsOf(expectedIds(49 * SIZE, SIZE));
		assertThat(window.hasNext()).isTrue();
		assertThat(first).as("rows each shard returned for window 1").allSatisfy((shard, rows) ->
				assertThat(rows).isPositive().isLessThanOrEqualTo(SIZE + 1));
		assertThat(fiftieth).as("rows each shard returned for window 50").isEqualTo(first);
	}

	@Test
	void offsetPageFiftyReadsNoMoreThanOffsetPlusSizePerShard() throws SQLException {
		this.databases.resetStatistics();
		Page<Measurement> page = this.queries.findPageBySeqGreaterThanEqual(0, PageRequest.of(49, SIZE, SORT));
		Map<String, Long> fetched = this.databases.rowsFetched("measurements");
		assertThat(ids(page.getContent())).containsExactlyElementsOf(expectedIds(49 * SIZE, SIZE));
		assertThat(fetched).allSatisfy((shard, rows) -> assertThat(rows).isLessThanOrEqualTo(50 * SIZE));
	}

	private List<Long> expectedIds(int from, int size) {
		return this.expected.subList(from, from + size).stream().map((row) -> (Long) row[0]).toList();
	}

	private static List<Long> ids(List<Measurement> measurements) {
		return measurements.stream().map(Measurement::getId).toList();
	}

}
