package io.shardwise.demo;

import java.util.List;

import io.shardwise.fanout.ShardFanOutException;
import io.shardwise.routing.ShardUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Stores the seed's seven cities and three reports when the shards are empty. After a
 * degraded start (a shard unreachable), it seeds nothing: it cannot tell whether the
 * missing shard is empty.
 */
@Component
class SeedData implements ApplicationRunner {

	private final WeatherLocationRepository locations;

	SeedData(WeatherLocationRepository locations) {
		this.locations = locations;
	}

	private static final Log logger = LogFactory.getLog(SeedData.class);

	@Override
	public void run(ApplicationArguments args) {
		try {
			if (this.locations.count() > 0) {
				return;
			}
		}
		catch (ShardFanOutException | ShardUnavailableException ex) {
			logger.warn("Not seeding: a shard is unavailable (" + ex.getMessage() + ")");
			return;
		}
		WeatherLocation tokyo = new WeatherLocation("Asia", "Tokyo");
		WeatherLocation newYork = new WeatherLocation("North America", "New York");
		WeatherLocation toronto = new WeatherLocation("North America", "Toronto");
		WeatherLocation london = new WeatherLocation("Europe", "London");
		WeatherLocation dublin = new WeatherLocation("Europe", "Dublin");
		WeatherLocation brasilia = new WeatherLocation("South America", "Brasila");
		WeatherLocation quito = new WeatherLocation("South America", "Quito");
		tokyo.addReport(80.0);
		newYork.addReport(75);
		quito.addReport(85);
		this.locations.saveAll(List.of(tokyo, newYork, toronto, london, dublin, brasilia, quito));
	}

}
