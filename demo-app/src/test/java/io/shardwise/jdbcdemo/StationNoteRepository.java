package io.shardwise.jdbcdemo;

import java.util.List;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * A JPA repository beside the Spring Data JDBC one.
 */
public interface StationNoteRepository extends JpaRepository<StationNote, Long> {

	List<StationNote> findByContinent(@ShardKey String continent);

}
