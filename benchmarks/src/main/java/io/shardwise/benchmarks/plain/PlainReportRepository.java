package io.shardwise.benchmarks.plain;

import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The baseline's reports: the same methods as the Shardwise repository.
 */
public interface PlainReportRepository extends JpaRepository<PlainReport, Long> {

	/**
	 * Scrolling in id order, 20 rows per window.
	 * @param position where the window starts
	 * @return the window
	 */
	Window<PlainReport> findFirst20ByOrderByIdAsc(ScrollPosition position);

	/**
	 * A slice of reports (no count query).
	 * @param pageable the page, with its order
	 * @return the slice
	 */
	Slice<PlainReport> findBy(Pageable pageable);

}
