package io.shardwise.demo;

import java.util.List;

import io.shardwise.annotation.ShardKey;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Transactional service methods as an application would write them, to test how routing
 * and transactions interact.
 */
@Service
class TestOperations {

	private final WeatherLocationRepository locations;

	TestOperations(WeatherLocationRepository locations) {
		this.locations = locations;
	}

	/** A keyed transaction: the shard is chosen before the transaction opens. */
	@Transactional
	public WeatherLocation saveWithReports(@ShardKey String continent, String city, int reports, boolean fail) {
		WeatherLocation location = new WeatherLocation(continent, city);
		for (int i = 0; i < reports; i++) {
			location.addReport(60 + i);
		}
		this.locations.saveAndFlush(location);
		if (fail) {
			throw new IllegalStateException("Failing after the rows were flushed");
		}
		return location;
	}

	/** An unkeyed transaction that writes to several shards: must be refused. */
	@Transactional
	public void saveAllInOneTransaction(List<WeatherLocation> all) {
		all.forEach(this.locations::saveAndFlush);
	}

	/** An unkeyed transaction whose first routed call picks its shard. */
	@Transactional
	public WeatherLocation readThenWrite(String continent, String city) {
		this.locations.findByContinentOrderByIdAsc(continent);
		return this.locations.save(new WeatherLocation(continent, city));
	}

	/** An unkeyed query after a keyed one: reads every shard inside the transaction. */
	@Transactional
	public long readThenCountEverything(String continent) {
		this.locations.findByContinentOrderByIdAsc(continent);
		return this.locations.count();
	}

	/** A keyed transaction writing to another shard: must be refused. */
	@Transactional
	public void saveOnOtherShard(@ShardKey String continent, String otherContinent, String city) {
		this.locations.saveAndFlush(new WeatherLocation(continent, city));
		this.locations.saveAndFlush(new WeatherLocation(otherContinent, city));
	}

	/** Unkeyed repository calls inside a keyed method run on that method's shard. */
	@Transactional(readOnly = true)
	public long countOnShardOf(@ShardKey String continent) {
		return this.locations.count();
	}

}
