package io.shardwise.demo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The context of the property-style fan-out tests: four shards of their own
 * ({@code prop_*}), with the test-only measurements table. {@link #load} fills them once
 * per JVM, through the repository, with random measurements, and puts the same rows in
 * one extra database, {@value #TRUTH}, that answers every query the way a single
 * database holding all rows would.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
		"shardwise.shards[north_america].url=jdbc:h2:mem:prop_north_america;DB_CLOSE_DELAY=-1",
		"shardwise.shards[asia].url=jdbc:h2:mem:prop_asia;DB_CLOSE_DELAY=-1",
		"shardwise.shards[europe].url=jdbc:h2:mem:prop_europe;DB_CLOSE_DELAY=-1",
		"shardwise.shards[south_america].url=jdbc:h2:mem:prop_south_america;DB_CLOSE_DELAY=-1",
		"shardwise.migration.locations=classpath:db/migration,classpath:db/testmigration" })
@Import(FanOutCounter.class)
@interface PropertyShards {

	String TRUTH = "prop_truth";

	int ROWS = 400;

	/** The loaded data set. */
	record Data(long seed, List<Measurement> rows) {
	}

	/** Loads the data set once per JVM. */
	final class Loader {

		private static Data data;

		private Loader() {
		}

		static synchronized Data load(MeasurementRepository repository) throws SQLException {
			if (data == null) {
				long seed = MeasurementData.seed();
				System.out.println("Fan-out property data: seed " + seed + " (-Dshardwise.test.seed=" + seed
						+ " replays it), " + ROWS + " measurements");
				List<Measurement> rows = MeasurementData.generate(new Random(seed), ROWS);
				repository.saveAll(rows);
				MeasurementData.createTable(TRUTH);
				MeasurementData.insert(TRUTH, rows);
				data = new Data(seed, List.copyOf(rows));
			}
			return data;
		}

	}

}
