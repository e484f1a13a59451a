package io.shardwise.demo;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.EntityGraph;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ReportRepository extends JpaRepository<Report, Long> {

	/** Runs on every shard; pages merge in order, totals add up. */
	@Override
	@EntityGraph(attributePaths = "location")
	Page<Report> findAll(Pageable pageable);

}
