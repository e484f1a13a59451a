package io.shardwise.placement;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;

/**
 * Makes keyed reads of a placed bucket exact across moves. A read is routed by this
 * instance's map when it starts; if it reaches the bucket's old shard after the mover's
 * cleanup deleted the rows there, it finds nothing. So a keyed read that finds nothing
 * asks the shard it ran on, with one indexed read of {@value BucketOwnership#BUCKETS}, what
 * it knows of the bucket:
 * <ul>
 * <li>{@code OWNED} or {@code MOVING}: the shard is the bucket's live owner (every write
 * of the bucket lands there), so nothing was missed;
 * <li>{@code FENCED} or no row: the bucket is cutting over or has moved away. The
 * instance reloads the map; if the bucket has another owner now, the read runs again
 * there, else (the write pause of a cutover, when the fenced shard still has all the
 * rows and no write lands anywhere) nothing was missed.
 * </ul>
 * The answer is exact because a shard's rows of a bucket only disappear in the cleanup,
 * after the switch, in the transaction that deletes its ownership row; the one case left
 * is a read stalled across two whole moves of its bucket, away and back. Reads that find
 * something pay nothing.
 */
final class MissedReadCheck implements ShardRouter.MissCheck {

	private final Placement placement;

	MissedReadCheck(Placement placement) {
		this.placement = placement;
	}

	@Override
	public Shard ownerAfterMiss(Shard shard, int bucket) {
		BucketOwnership.State state = BucketOwnership.state(shard, bucket);
		if (state == BucketOwnership.State.OWNED || state == BucketOwnership.State.MOVING) {
			return null;
		}
		this.placement.refresh();
		String owner = this.placement.strategy().shardOfBucket(bucket);
		if (!owner.equals(shard.id())) {
			return this.placement.router().shards().get(owner);
		}
		if (state == BucketOwnership.State.FENCED) {
			return null;
		}
		throw new IllegalStateException("Shard '" + shard.id() + "' holds no rows of bucket " + bucket
				+ " of strategy '" + this.placement.strategyName() + "', but placement version "
				+ this.placement.version() + " names it as the owner; check " + BucketOwnership.BUCKETS
				+ " on that shard against " + PlacementStore.MAP);
	}

}
