package io.shardwise.demo;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Writes test measurements (each to the shard of its region).
 */
interface MeasurementRepository extends JpaRepository<Measurement, Long> {

}
