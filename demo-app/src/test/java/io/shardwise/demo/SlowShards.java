package io.shardwise.demo;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.shardwise.fanout.PartialResult;

/**
 * Makes one shard slow on demand: every shard gets an H2 function {@code slow_down(ms)}
 * (Thread.sleep) and a one-row table {@code shard_delay} that
 * {@link MeasurementQueries#findAllAfterShardDelay()} and the SQL of {@link #SLOW_SQL}
 * sleep for before they read.
 */
final class SlowShards {

	static final String SLOW_SQL = "select id from measurements where (select slow_down(ms) from shard_delay) is null";

	/** Long enough to miss a 300 ms deadline by far; interrupted when it is missed. */
	static final long SLOW_MS = 3000;

	private SlowShards() {
	}

	/** Prepare every shard of a fresh context, with no delay, and store two measurements per region. */
	static List<Measurement> prepare(NamedShardDatabases databases, MeasurementRepository repository,
			MeasurementQueries queries) throws SQLException {
		for (String shard : ShardDatabases.SHARDS) {
			databases.execute(shard, "create alias if not exists slow_down for 'java.lang.Thread.sleep(long)'");
			databases.execute(shard, "create table if not exists shard_delay (ms bigint not null)");
			databases.execute(shard, "delete from shard_delay");
			databases.execute(shard, "insert into shard_delay values (0)");
		}
		List<Measurement> rows = new ArrayList<>();
		for (String region : MeasurementData.REGIONS) {
			for (int i = 0; i < 2; i++) {
				rows.add(new Measurement(region, "City-" + i, null, (double) i, i, BigDecimal.ONE));
			}
		}
		List<Measurement> saved = repository.saveAll(rows);
		// Warm every shard's pool and statements up with keyed calls, which have no deadline.
		for (String region : MeasurementData.REGIONS) {
			queries.findByRegionOrderByIdAsc(region);
		}
		try {
			queries.findAllAfterShardDelay();
		}
		catch (RuntimeException warmingUp) {
			// Only warming up.
		}
		return saved;
	}

	/**
	 * Run a fan-out that no slow shard delays, retrying a couple of times should a busy
	 * machine make a healthy shard miss the short deadline; the last attempt's outcome wins.
	 */
	static <T> T whenHealthy(Supplier<T> call) {
		for (int attempt = 1;; attempt++) {
			try {
				return call.get();
			}
			catch (RuntimeException ex) {
				if (attempt == 3) {
					throw ex;
				}
			}
		}
	}

	/** Like {@link #whenHealthy} under the partial policy: retries an incomplete result. */
	static <T> PartialResult<T> completeWhenHealthy(Supplier<T> call) {
		PartialResult<T> result = PartialResult.capture(call);
		for (int attempt = 2; attempt <= 3 && !result.isComplete(); attempt++) {
			result = PartialResult.capture(call);
		}
		return result;
	}

	static void delay(NamedShardDatabases databases, String shard, long ms) throws SQLException {
		databases.execute(shard, "update shard_delay set ms = ?", ms);
	}

}
