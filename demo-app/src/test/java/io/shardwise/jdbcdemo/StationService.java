package io.shardwise.jdbcdemo;

import io.shardwise.annotation.ShardKey;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Transactions on one shard that use both repositories.
 */
@Service
public class StationService {

	private final StationRepository stations;

	private final StationNoteRepository notes;

	public StationService(StationRepository stations, StationNoteRepository notes) {
		this.stations = stations;
		this.notes = notes;
	}

	/**
	 * Save a station (Spring Data JDBC) and a note (JPA) in one transaction on the
	 * continent's shard, then fail if asked to.
	 */
	@Transactional
	public Station saveWithNote(@ShardKey String continent, String name, boolean fail) {
		Station station = this.stations.save(new Station(continent, name, 1.5, 2.5));
		this.notes.save(new StationNote(continent, "note of " + name));
		if (fail) {
			throw new IllegalStateException("roll back " + name);
		}
		return station;
	}

	@Transactional
	public void saveOnOtherShard(@ShardKey String continent, String otherContinent, String name) {
		this.stations.save(new Station(continent, name));
		this.stations.save(new Station(otherContinent, name));
	}

	/**
	 * A transaction whose first call is keyed to the continent's shard, then a call
	 * without a key, which reads every shard in the transaction's unit of work.
	 */
	@Transactional(readOnly = true)
	public long countEverywhereAfter(String continent) {
		this.stations.findByContinent(continent);
		return this.stations.countByNameStartingWith("");
	}

}
