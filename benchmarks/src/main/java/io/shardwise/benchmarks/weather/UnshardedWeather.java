package io.shardwise.benchmarks.weather;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.shardwise.benchmarks.plain.PlainReportRepository;
import io.shardwise.benchmarks.plain.PlainWeatherApplication;
import io.shardwise.routing.Shard;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * JMH state of the unsharded reference of the fan-out benchmarks: one in-memory H2
 * database ({@value #DATABASE}) holding the very rows of all four loaded shards (copied
 * with their ids), migrated by Spring Boot's Flyway and used by an ordinary Spring Boot
 * application without Shardwise ({@code shardwise.enabled=false}), with a HikariCP pool
 * of the same size as each shard's.
 */
@State(Scope.Benchmark)
public class UnshardedWeather {

	/** The name of the unsharded database. */
	public static final String DATABASE = ShardedWeather.DATABASE_PREFIX + "_unsharded";

	private static final int BATCH_SIZE = 1_000;

	private ConfigurableApplicationContext context;

	private JdbcTemplate jdbcTemplate;

	private PlainReportRepository reports;

	/**
	 * Start the reference application on a fresh database and copy every shard's rows
	 * into it.
	 * @param sharded the loaded shards
	 * @throws SQLException if copying fails
	 */
	@Setup(Level.Trial)
	public void start(ShardedWeather sharded) throws SQLException {
		long started = System.nanoTime();
		this.context = new SpringApplicationBuilder(PlainWeatherApplication.class)
			.properties(PlainWeather.singleDatabaseProperties(DATABASE, true))
			.run();
		DataSource dataSource = this.context.getBean(DataSource.class);
		long rows = 0;
		try (Connection target = dataSource.getConnection()) {
			target.setAutoCommit(false);
			for (String table : new String[] { "weather_locations", "weather_reports" }) {
				for (Shard shard : sharded.shards().all()) {
					try (Connection source = shard.dataSource().getConnection()) {
						rows += copy(source, target, table);
					}
				}
				target.commit();
			}
			try (Statement statement = target.createStatement()) {
				statement.execute("analyze");
			}
			if (WeatherData.count(target, "weather_locations") != WeatherData.LOCATIONS || WeatherData.count(target,
					"weather_reports") != (long) WeatherData.LOCATIONS * WeatherData.REPORTS_PER_LOCATION) {
				throw new IllegalStateException("The unsharded database does not hold every row after copying");
			}
		}
		System.out.printf("Setup: unsharded reference started and %,d rows copied in %d ms%n", rows,
				(System.nanoTime() - started) / 1_000_000);
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		this.reports = this.context.getBean(PlainReportRepository.class);
	}

	private static long copy(Connection source, Connection target, String table) throws SQLException {
		String insert = table.equals("weather_locations")
				? "insert into weather_locations (id, continent, city) values (?, ?, ?)"
				: "insert into weather_reports (id, location_id, temperature, report_time) values (?, ?, ?, ?)";
		long rows = 0;
		try (Statement select = source.createStatement();
				ResultSet rs = select.executeQuery("select * from " + table + " order by id");
				PreparedStatement statement = target.prepareStatement(insert)) {
			int columns = rs.getMetaData().getColumnCount();
			while (rs.next()) {
				for (int i = 1; i <= columns; i++) {
					statement.setObject(i, rs.getObject(i));
				}
				statement.addBatch();
				if (++rows % BATCH_SIZE == 0) {
					statement.executeBatch();
				}
			}
			statement.executeBatch();
		}
		return rows;
	}

	/**
	 * Close the reference application and drop its database.
	 */
	@TearDown(Level.Trial)
	public void stop() {
		if (this.context != null) {
			this.jdbcTemplate.execute("drop all objects");
			this.context.close();
		}
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public JdbcTemplate jdbcTemplate() {
		return this.jdbcTemplate;
	}

	public PlainReportRepository reports() {
		return this.reports;
	}

}
