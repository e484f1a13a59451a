package io.shardwise.demo;

import java.util.List;
import java.util.Optional;

import io.shardwise.annotation.AllowFanOut;
import io.shardwise.annotation.ShardKey;

import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

/**
 * Unkeyed measurement queries of every merge kind (sorted, limited, paged, sliced,
 * scrolled, single, counted), for the fan-out correctness tests.
 */
interface MeasurementQueries extends Repository<Measurement, Long> {

	List<Measurement> findBySeqGreaterThanEqual(int minSeq);

	List<Measurement> findBySeqGreaterThanEqual(int minSeq, Sort sort);

	List<Measurement> findBySeqGreaterThanEqual(int minSeq, Sort sort, Limit limit);

	List<Measurement> findFirst5BySeqGreaterThanEqual(int minSeq, Sort sort);

	List<Measurement> findTop7BySeqGreaterThanEqualOrderByReadingDescCityAsc(int minSeq);

	List<Measurement> findTop3BySeqOrderByReadingDesc(int seq);

	Optional<Measurement> findFirstBySeqGreaterThanEqual(int minSeq, Sort sort);

	Measurement findTopBySeqGreaterThanEqualOrderByLabelDesc(int minSeq);

	Optional<Measurement> findByCityAndSeq(String city, int seq);

	Page<Measurement> findPageBySeqGreaterThanEqual(int minSeq, Pageable pageable);

	Slice<Measurement> findSliceBySeqGreaterThanEqual(int minSeq, Pageable pageable);

	Window<Measurement> findWindowBySeqGreaterThanEqual(int minSeq, ScrollPosition position, Sort sort, Limit limit);

	Window<Measurement> findFirst10BySeqGreaterThanEqualOrderByAmountAsc(int minSeq, ScrollPosition position);

	long countBySeqGreaterThanEqual(int minSeq);

	boolean existsBySeqGreaterThanEqual(int minSeq);

	/** Unkeyed, but allowed to fan out even under shardwise.fan-out.allowed=false. */
	@AllowFanOut
	long countByCity(String city);

	List<Measurement> findByRegionOrderByIdAsc(@ShardKey String region);

	/** Sleeps on a shard as long as its shard_delay table says before reading its rows. */
	@Query(value = "select m.* from measurements m where (select slow_down(d.ms) from shard_delay d) is null",
			nativeQuery = true)
	List<Measurement> findAllAfterShardDelay();

}
