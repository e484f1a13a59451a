package io.shardwise.demo;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Ordinary JPA code across shards: inside one read-only transaction, an unkeyed
 * {@code findAll()} reads every shard, and each location's lazy reports then load from
 * that location's own shard (Shardwise's unit of work keeps the entities managed).
 */
@RestController
class ReportCounts {

	private final Counter counter;

	ReportCounts(Counter counter) {
		this.counter = counter;
	}

	/**
	 * Count each city's reports.
	 * @return the number of reports by "continent/city"
	 */
	@GetMapping("/locations/report-counts")
	Map<String, Integer> reportCounts() {
		return this.counter.reportsByCity();
	}

	@Service
	static class Counter {

		private final WeatherLocationRepository locations;

		Counter(WeatherLocationRepository locations) {
			this.locations = locations;
		}

		@Transactional(readOnly = true)
		public Map<String, Integer> reportsByCity() {
			Map<String, Integer> counts = new TreeMap<>();
			for (WeatherLocation location : this.locations.findAll()) {
				counts.put(location.getContinent() + "/" + location.getCity(), location.getReports().size());
			}
			return counts;
		}

	}

}
