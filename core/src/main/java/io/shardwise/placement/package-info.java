/**
 * Durable, versioned placement of a {@code hash} strategy's virtual buckets: the bucket
 * to shard map stored on a metadata shard, each shard's record of the buckets it owns,
 * the fence that makes every routed write check that its shard still owns its bucket
 * (capturing the write while the bucket moves), and the record of buckets whose rows are
 * on two shards during a move, which keeps unkeyed fan-outs exact
 * ({@link io.shardwise.routing.PlacedFanOut}).
 */
package io.shardwise.placement;
