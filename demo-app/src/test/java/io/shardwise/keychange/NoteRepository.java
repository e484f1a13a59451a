package io.shardwise.keychange;

import java.util.List;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;

public interface NoteRepository extends JpaRepository<Note, Long> {

	List<Note> findByRegion(@ShardKey String region);

}
