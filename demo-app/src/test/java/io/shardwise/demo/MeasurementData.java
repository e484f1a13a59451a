package io.shardwise.demo;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random measurements for the fan-out correctness tests, and the single "truth" database
 * that holds all of them in one place.
 *
 * <p>The seed is {@value #DEFAULT_SEED} unless {@code -Dshardwise.test.seed=<n>} (or
 * {@code =random}) says otherwise; it is printed so that any failure can be replayed.
 */
final class MeasurementData {

	static final long DEFAULT_SEED = 20260311L;

	static final List<String> REGIONS = List.of("North America", "Asia", "Europe", "South America");

	/** Shared by every region: duplicates across shards, in mixed case, some non-ASCII. */
	static final List<String> CITIES = List.of("Paris", "paris", "PARIS", "Lima", "lima", "Oslo", "oslo", "Zürich",
			"zürich", "Évora", "évora", "Åre", "Ab", "ab", "AB", "a", "B", "Quito", "Tokyo", "tokyo");

	/**
	 * Labels; NULL is added on top of these. Lowercase and uppercase variants on purpose,
	 * and characters that sort between the cases ({@code _ [ ^}), where ordering by
	 * {@code lower()} and by {@code upper()} disagree.
	 */
	static final List<String> LABELS = List.of("alpha", "Alpha", "ALPHA", "beta", "Beta", "gamma", "", "Zeta",
			"zeta", "_under", "a_b", "A_c", "[b", "^z");

	/** Labels whose rows never have a reading: groups whose MIN/MAX/SUM/AVG are NULL. */
	static final String NO_READINGS = "no-readings";

	private MeasurementData() {
	}

	static long seed() {
		String value = System.getProperty("shardwise.test.seed");
		if (value == null || value.isBlank()) {
			return DEFAULT_SEED;
		}
		return value.equals("random") ? System.nanoTime() : Long.parseLong(value);
	}

	/**
	 * Generate measurements: uneven regions, duplicate cities (a few only in one region),
	 * NULL labels and readings, repeated readings, sequence numbers and amounts.
	 */
	static List<Measurement> generate(Random random, int count) {
		List<Measurement> rows = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			double pick = random.nextDouble();
			String region = (pick < 0.4) ? "Europe" : (pick < 0.65) ? "Asia" : (pick < 0.9) ? "North America"
					: "South America";
			String city;
			if (random.nextInt(20) == 0) {
				// Cities of one region only: groups that exist on one shard.
				city = "Only-" + region.replace(' ', '-') + "-" + random.nextInt(2);
			}
			else {
				city = CITIES.get(random.nextInt(CITIES.size()));
			}
			String label;
			int labelPick = random.nextInt(12);
			if (labelPick < 3) {
				label = null;
			}
			else if (labelPick == 3) {
				label = NO_READINGS;
			}
			else {
				label = LABELS.get(random.nextInt(LABELS.size()));
			}
			Double reading = (NO_READINGS.equals(label) || random.nextInt(5) == 0) ? null
					: (random.nextInt(41) - 10) / 2.0;
			int seq = random.nextInt(21);
			BigDecimal amount = BigDecimal.valueOf(random.nextInt(200) * 25L, 2);
			// Derived, not drawn, so that the other values stay those of the seed: many ties.
			LocalDateTime measuredAt = LocalDateTime.of(2026, 3, 1, 0, 0).plusMinutes((seq * 7L + i) % 23);
			rows.add(new Measurement(region, city, label, reading, seq, amount, measuredAt));
		}
		return rows;
	}

	/** Create the measurements table from the same migration the shards run. */
	static void createTable(String database) throws SQLException {
		String ddl;
		try (InputStream in = MeasurementData.class.getResourceAsStream("/db/testmigration/V100__measurements.sql")) {
			ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		try (Connection connection = NamedShardDatabases.connect(database);
				Statement statement = connection.createStatement()) {
			statement.execute(ddl.replaceAll("(?m)^--.*$", ""));
		}
	}

	/** Insert measurements with their (already assigned) ids. */
	static void insert(String database, List<Measurement> rows) throws SQLException {
		try (Connection connection = NamedShardDatabases.connect(database);
				PreparedStatement statement = connection.prepareStatement(
						"insert into measurements (id, region, city, label, reading, seq, amount, measured_at) "
								+ "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
			connection.setAutoCommit(false);
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
				statement.setTimestamp(8, Timestamp.valueOf(row.getMeasuredAt()));
				statement.addBatch();
			}
			statement.executeBatch();
			connection.commit();
		}
	}

}
