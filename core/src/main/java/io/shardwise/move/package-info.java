/**
 * Moving {@code hash} strategy buckets between shards while the application runs: copy,
 * catch up, verify, cut over, clean up ({@link io.shardwise.move.ShardMover}).
 */
package io.shardwise.move;
