package io.shardwise.benchmarks.sharded;

import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Reports; both methods take no shard key, so Shardwise fans them out to every shard.
 */
public interface ReportRepository extends JpaRepository<Report, Long> {

	/**
	 * Keyset (or offset) scrolling in id order, 20 rows per window.
	 * @param position where the window starts
	 * @return the window
	 */
	Window<Report> findFirst20ByOrderByIdAsc(ScrollPosition position);

	/**
	 * A slice of reports (no count query); across shards each shard returns its first
	 * {@code offset + size} rows.
	 * @param pageable the page, with its order
	 * @return the slice
	 */
	Slice<Report> findBy(Pageable pageable);

}
