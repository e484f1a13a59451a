package io.shardwise.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link GroupedQueryTests} on four PostgreSQL shards, against one PostgreSQL database
 * ({@value #TRUTH}, on the first server) holding every row.
 */
@PostgresShardsTest
@TestPropertySource(properties = { EmbeddedPostgresInitializer.DATABASE_PROPERTY + "=grouped",
		"shardwise.migration.locations=classpath:db/migration,classpath:db/testmigration" })
class PostgresGroupedQueryTest extends GroupedQueryTests {

	private static final String TRUTH = "grouped_truth";

	@Autowired
	MeasurementRepository repository;

	private String truthUrl;

	@Override
	void load() throws Exception {
		List<Measurement> rows = MeasurementData.generate(new Random(MeasurementData.seed()), PropertyShards.ROWS);
		this.repository.saveAll(rows);
		this.truthUrl = EmbeddedPostgresShards.get().url(ShardDatabases.SHARDS.get(0), TRUTH);
		String ddl;
		try (InputStream in = getClass().getResourceAsStream("/db/testmigration/V100__measurements.sql")) {
			ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute("drop table if exists measurements");
			statement.execute(ddl.replaceAll("(?m)^--.*$", ""));
		}
		try (Connection connection = connect();
				PreparedStatement statement = connection.prepareStatement(
						"insert into measurements (id, region, city, label, reading, seq, amount) values (?, ?, ?, ?, ?, ?, ?)")) {
			for (Measurement row : rows) {
				statement.setLong(1, row.getId());
				statement.setString(2, row.getRegion());
				statement.setString(3, row.getCity());
				statement.setString(4, row.getLabel());
				if (row.getReading() != null) {
					statement.setDouble(5, row.getReading());
				}
				else {
					statement.setNull(5, Types.DOUBLE);
				}
				statement.setInt(6, row.getSeq());
				statement.setBigDecimal(7, row.getAmount());
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

	@Override
	List<List<Object>> truth(String sql, Object... args) throws Exception {
		List<List<Object>> rows = new ArrayList<>();
		try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < args.length; i++) {
				statement.setObject(i + 1, args[i]);
			}
			try (ResultSet result = statement.executeQuery()) {
				int columns = result.getMetaData().getColumnCount();
				while (result.next()) {
					List<Object> row = new ArrayList<>(columns);
					for (int i = 1; i <= columns; i++) {
						row.add(result.getObject(i));
					}
					rows.add(row);
				}
			}
		}
		return rows;
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.truthUrl, EmbeddedPostgresShards.APP_USER,
				EmbeddedPostgresShards.APP_PASSWORD);
	}

}
