package io.shardwise.autoconfigure;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.shardwise.move.MovePhase;
import io.shardwise.move.MoveStatus;
import io.shardwise.move.ShardMover;
import io.shardwise.placement.Placement;

/**
 * Gauges of the placement and of this instance's current (or last) bucket move, read from
 * memory: {@code shardwise.placement.version}, {@code shardwise.move.phase} (the
 * {@link MovePhase} ordinal, -1 before any move), {@code shardwise.move.rows.copied},
 * {@code shardwise.move.changes.applied}, {@code shardwise.move.catchup.lag},
 * {@code shardwise.move.buckets.cutover} and {@code shardwise.move.pause.max} /
 * {@code .last} (milliseconds), each tagged with the strategy.
 */
class ShardMoveMetrics implements MeterBinder {

	private final Placement placement;

	private final ShardMover mover;

	ShardMoveMetrics(Placement placement, ShardMover mover) {
		this.placement = placement;
		this.mover = mover;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		String strategy = this.placement.strategyName();
		Gauge.builder("shardwise.placement.version", this.placement, Placement::version)
			.description("Version of the bucket map this instance routes by")
			.tag("strategy", strategy)
			.register(registry);
		gauge(registry, "shardwise.move.phase", "Phase of the move (ordinal of MovePhase), -1 if none", null,
				(status) -> status.phase().ordinal());
		gauge(registry, "shardwise.move.rows.copied", "Rows copied by the move", "rows", MoveStatus::rowsCopied);
		gauge(registry, "shardwise.move.changes.applied", "Captured writes applied to the copy", "rows",
				MoveStatus::changesApplied);
		gauge(registry, "shardwise.move.catchup.lag", "Captured writes not yet applied", "rows",
				MoveStatus::catchUpLag);
		gauge(registry, "shardwise.move.buckets.cutover", "Buckets cut over by the move", "buckets",
				MoveStatus::bucketsCutOver);
		gauge(registry, "shardwise.move.pause.max", "Longest write pause of a bucket cutover", "milliseconds",
				MoveStatus::maxPauseMillis);
		gauge(registry, "shardwise.move.pause.last", "Write pause of the latest bucket cutover", "milliseconds",
				MoveStatus::lastPauseMillis);
	}

	private void gauge(MeterRegistry registry, String name, String description, String unit,
			ToDoubleFunction<MoveStatus> value) {
		Gauge.builder(name, this.mover, (mover) -> mover.localStatus().map(value::applyAsDouble).orElse(-1.0))
			.description(description)
			.baseUnit(unit)
			.tag("strategy", this.placement.strategyName())
			.register(registry);
	}

}
