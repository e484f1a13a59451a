package io.shardwise.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.shardwise.jdbc.Aggregation;
import io.shardwise.jdbc.ShardedJdbcTemplate;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Aggregates over a floating-point column holding NaN and infinities (stored through the
 * HTTP API as {@code "NaN"}, {@code 1e400} and {@code "-Infinity"}), over groups whose
 * values are all NULL and over shards without matching rows, merge to what one database
 * holding every row answers: the same rows copied into one table of one shard's
 * database, asked the same aggregate with {@code AVG}.
 */
abstract class AggregateSemanticsTests {

	private static final String TRUTH_TABLE = "t_aggregate_truth";

	private static final String SHARD_SQL = "select %s count(*) as reports, sum(r.temperature) as t_sum, "
			+ "count(r.temperature) as t_count, min(r.temperature) as coldest, max(r.temperature) as hottest "
			+ "from weather_reports r join weather_locations l on l.id = r.location_id %s %s";

	private static final String TRUTH_SQL = "select %s count(*) as reports, sum(temperature) as t_sum, "
			+ "count(temperature) as t_count, min(temperature) as coldest, max(temperature) as hottest, "
			+ "%s as average from " + TRUTH_TABLE + " l %s %s";

	private static final List<String> COLUMNS = List.of("reports", "t_sum", "t_count", "coldest", "hottest",
			"average");

	@Autowired
	ShardDatabases databases;

	@Autowired
	ShardedJdbcTemplate sharded;

	@Autowired
	Shards shards;

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeEach
	void storeSpecialValues() throws Exception {
		report(location("Asia", "T-NaN"), "\"NaN\"", "10.5");
		report(location("Europe", "T-Infinities"), "1e400", "\"-Infinity\"", "5");
		report(location("North America", "T-Infinity"), "\"Infinity\"", "-3.25");
		long nullOnly = location("South America", "T-NullOnly");
		for (int i = 0; i < 2; i++) {
			this.databases.execute("south_america", "insert into weather_reports (id, location_id, temperature) values ("
					+ this.shards.get("south_america").nextId() + ", " + nullOnly + ", null)");
		}
		copyEveryShardIntoTruthTable();
	}

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.execute("north_america", "drop table " + TRUTH_TABLE);
		this.databases.deleteTestRows();
	}

	@Test
	void byContinentEqualsOneDatabase() throws Exception {
		assertMergedEqualsTruth("continent", "");
		HttpResponse<String> stats = get("/reports/stats");
		assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
		assertThat(stats.body()).contains("NaN", "Infinity");
	}

	@Test
	void byCityWithNullOnlyGroupsEqualsOneDatabase() throws Exception {
		assertMergedEqualsTruth("city", "where l.city like 'T-%'");
	}

	@Test
	void shardsWithoutRowsEqualOneDatabase() throws Exception {
		// Two shards have no matching rows: grouped they return none, ungrouped a row of NULLs.
		assertMergedEqualsTruth("city", "where l.city in ('T-NaN', 'T-Infinity')");
		assertMergedEqualsTruth("", "where l.city in ('T-NaN', 'T-Infinity')");
		assertMergedEqualsTruth("", "where l.city = 'T-NullOnly'");
		assertMergedEqualsTruth("", "where l.city = 'T-Nowhere'");
		assertMergedEqualsTruth("", "where l.city like 'T-%'");
	}

	private void assertMergedEqualsTruth(String groupBy, String where) throws SQLException {
		String select = groupBy.isEmpty() ? "" : "l." + groupBy + " as " + groupBy + ",";
		String group = groupBy.isEmpty() ? "" : "group by l." + groupBy;
		Aggregation aggregation = (groupBy.isEmpty() ? Aggregation.groupBy() : Aggregation.groupBy(groupBy))
			.count("reports")
			.sum("t_sum")
			.count("t_count")
			.min("coldest")
			.max("hottest")
			.avg("average", "t_sum", "t_count");
		List<Map<String, Object>> merged = this.sharded.onAllShards()
			.aggregate(SHARD_SQL.formatted(select, where, group), aggregation);
		// H2's AVG of a DOUBLE column fails on an infinity (it averages in BigDecimal), so
		// its truth is the quotient that AVG stands for, in H2's own DECFLOAT arithmetic.
		String average = this.databases.kind().equals("H2") ? "sum(temperature) / nullif(count(temperature), 0)"
				: "avg(temperature)";
		List<List<Object>> truth = truthRows(TRUTH_SQL.formatted(select, average, where, group)
				+ (groupBy.isEmpty() ? "" : " order by l." + groupBy));
		String what = this.databases.kind() + " group by '" + groupBy + "' " + where;
		assertThat(merged).as(what + ": " + merged + " vs " + truth).hasSize(truth.size());
		int offset = groupBy.isEmpty() ? 0 : 1;
		for (int i = 0; i < truth.size(); i++) {
			Map<String, Object> row = merged.get(i);
			List<Object> expected = truth.get(i);
			if (offset == 1) {
				assertThat(row.get(groupBy)).as(what).isEqualTo(expected.get(0));
			}
			for (int c = 0; c < COLUMNS.size(); c++) {
				String column = COLUMNS.get(c);
				Object actual = row.get(column);
				Object value = expected.get(c + offset);
				String description = what + ", row " + row + ", column " + column + ": expected " + value;
				if (value == null || actual == null) {
					assertThat(actual).as(description).isEqualTo(value);
				}
				else if (column.equals("reports") || column.equals("t_count")) {
					assertThat(actual).as(description).isInstanceOf(Long.class);
					assertThat(((Number) actual).longValue()).as(description).isEqualTo(((Number) value).longValue());
				}
				else {
					// A double, or a BigDecimal where the database sums in an exact type
					// (H2 sums DOUBLE PRECISION in DECFLOAT).
					assertSameDouble(description, ((Number) actual).doubleValue(), ((Number) value).doubleValue());
				}
			}
		}
	}

	private static void assertSameDouble(String description, double actual, double expected) {
		if (Double.isNaN(expected) || Double.isInfinite(expected)) {
			assertThat(Double.compare(actual, expected)).as(description + ", actual " + actual).isZero();
		}
		else {
			assertThat(actual).as(description).isCloseTo(expected,
					org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(expected))));
		}
	}

	private void copyEveryShardIntoTruthTable() throws SQLException {
		List<Object[]> rows = new ArrayList<>();
		for (String shard : ShardDatabases.SHARDS) {
			try (Connection connection = this.databases.connect(shard); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("select l.continent, l.city, r.temperature from "
							+ "weather_reports r join weather_locations l on l.id = r.location_id")) {
				while (result.next()) {
					rows.add(new Object[] { result.getString(1), result.getString(2), result.getObject(3) });
				}
			}
		}
		this.databases.execute("north_america", "drop table if exists " + TRUTH_TABLE);
		this.databases.execute("north_america", "create table " + TRUTH_TABLE
				+ " (continent varchar(30), city varchar(50), temperature double precision)");
		try (Connection connection = this.databases.connect("north_america");
				PreparedStatement insert = connection.prepareStatement(
						"insert into " + TRUTH_TABLE + " (continent, city, temperature) values (?, ?, ?)")) {
			for (Object[] row : rows) {
				insert.setString(1, (String) row[0]);
				insert.setString(2, (String) row[1]);
				if (row[2] == null) {
					insert.setNull(3, java.sql.Types.DOUBLE);
				}
				else {
					insert.setDouble(3, ((Number) row[2]).doubleValue());
				}
				insert.executeUpdate();
			}
		}
	}

	private List<List<Object>> truthRows(String sql) throws SQLException {
		List<List<Object>> rows = new ArrayList<>();
		try (Connection connection = this.databases.connect("north_america");
				Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			int columns = result.getMetaData().getColumnCount();
			while (result.next()) {
				List<Object> row = new ArrayList<>();
				for (int i = 1; i <= columns; i++) {
					Object value;
					try {
						value = result.getObject(i);
					}
					catch (SQLException ex) {
						// H2 sums and averages a DOUBLE column in DECFLOAT, which JDBC cannot
						// return as a BigDecimal when it is NaN or infinite.
						value = result.getDouble(i);
					}
					row.add(value);
				}
				rows.add(row);
			}
		}
		return rows;
	}

	private long location(String continent, String city) throws Exception {
		HttpResponse<String> response = post("/locations",
				"{\"continent\": \"" + continent + "\", \"city\": \"" + city + "\"}");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return Long.parseLong(response.body().replaceAll(".*\"id\":(\\d+).*", "$1"));
	}

	private void report(long location, String... temperatures) throws Exception {
		for (String temperature : temperatures) {
			HttpResponse<String> response = post("/locations/" + location + "/reports",
					"{\"temperature\": " + temperature + "}");
			assertThat(response.statusCode()).as(temperature + ": " + response.body()).isEqualTo(201);
		}
	}

	private HttpResponse<String> post(String path, String json) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("content-type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
