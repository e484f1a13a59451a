package io.shardwise.benchmarks.weather;

import java.util.SplittableRandom;

/**
 * The ids and cities of one continent's stored locations, in a fixed shuffled order that
 * both sides of a benchmark pair walk through, so that each reads the same rows in the
 * same order.
 *
 * @param continent the continent (the shard key)
 * @param ids the location ids
 * @param cities the city of each id, at the same position
 */
public record LocationKeys(String continent, long[] ids, String[] cities) {

	static LocationKeys shuffled(String continent, long[] ids, String[] cities, SplittableRandom random) {
		long[] shuffledIds = ids.clone();
		String[] shuffledCities = cities.clone();
		for (int i = shuffledIds.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			long id = shuffledIds[i];
			shuffledIds[i] = shuffledIds[j];
			shuffledIds[j] = id;
			String city = shuffledCities[i];
			shuffledCities[i] = shuffledCities[j];
			shuffledCities[j] = city;
		}
		return new LocationKeys(continent, shuffledIds, shuffledCities);
	}

	public int size() {
		return this.ids.length;
	}

}
