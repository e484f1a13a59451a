package io.shardwise.autoconfigure.actuate;

import java.util.Map;
import java.util.TreeSet;

import io.shardwise.move.MoveRefusedException;
import io.shardwise.move.MoveStatus;
import io.shardwise.move.ShardMover;
import io.shardwise.placement.Placement;
import io.shardwise.placement.PlacementMap;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code shardmoves} endpoint: the durable placement (strategy, map version, map) and
 * the bucket move in progress or last run. {@code POST} with {@code buckets} (such as
 * {@code "0-3,16"}) and {@code target} starts a move, {@code POST} with
 * {@code resume=true} resumes the recorded one, {@code DELETE} cancels it. A refused
 * request answers 409 with the reason, and nothing moves.
 */
@Endpoint(id = "shardmoves")
public class ShardMovesEndpoint {

	private final Placement placement;

	private final ShardMover mover;

	public ShardMovesEndpoint(Placement placement, ShardMover mover) {
		this.placement = placement;
		this.mover = mover;
	}

	@ReadOperation
	public PlacementDescriptor moves() {
		return describe(this.placement, this.mover.status().orElse(null));
	}

	@WriteOperation
	public WebEndpointResponse<Object> start(@Nullable String buckets, @Nullable String target,
			@Nullable Boolean resume) {
		try {
			if (Boolean.TRUE.equals(resume)) {
				return new WebEndpointResponse<>(describe(this.placement, this.mover.resumeInBackground()), 202);
			}
			if (buckets == null || target == null) {
				return refused("UNKNOWN_BUCKET", "Give buckets (such as \"0-3,16\") and target, or resume=true");
			}
			return new WebEndpointResponse<>(describe(this.placement, this.mover.start(parse(buckets), target)), 202);
		}
		catch (MoveRefusedException ex) {
			return refused(ex.getReason().name(), ex.getMessage());
		}
	}

	@DeleteOperation
	public WebEndpointResponse<Object> cancel() {
		try {
			return new WebEndpointResponse<>(describe(this.placement, this.mover.cancel()), 200);
		}
		catch (MoveRefusedException ex) {
			return refused(ex.getReason().name(), ex.getMessage());
		}
	}

	private static WebEndpointResponse<Object> refused(String reason, String message) {
		return new WebEndpointResponse<>(Map.of("refused", reason, "message", message), 409);
	}

	/**
	 * Parse bucket ranges such as {@code "0-3,16"}.
	 * @param text the ranges
	 * @return the buckets
	 */
	static TreeSet<Integer> parse(String text) {
		TreeSet<Integer> buckets = new TreeSet<>();
		for (String part : text.split(",")) {
			String range = part.trim();
			if (range.isEmpty()) {
				continue;
			}
			try {
				int dash = range.indexOf('-', 1);
				int from = Integer.parseInt((dash < 0) ? range : range.substring(0, dash).trim());
				int to = (dash < 0) ? from : Integer.parseInt(range.substring(dash + 1).trim());
				for (int bucket = from; bucket <= to; bucket++) {
					buckets.add(bucket);
				}
			}
			catch (NumberFormatException ex) {
				throw new MoveRefusedException(MoveRefusedException.Reason.UNKNOWN_BUCKET,
						"Buckets must be numbers or ranges such as 0-3,16; got '" + text + "'. Nothing was moved");
			}
		}
		return buckets;
	}

	static PlacementDescriptor describe(Placement placement, @Nullable MoveStatus move) {
		return new PlacementDescriptor(placement.strategyName(), placement.version(), placement.store().shard().id(),
				PlacementMap.ranges(placement.strategy().getShardByBucket()), move);
	}

	/**
	 * The placement and its move.
	 *
	 * @param strategy the placed strategy
	 * @param version the map version this instance routes by
	 * @param metadataShard the shard that stores the map
	 * @param bucketShards the map, as bucket ranges
	 * @param move the move in progress or last run, or {@code null}
	 */
	public record PlacementDescriptor(String strategy, long version, String metadataShard,
			Map<String, String> bucketShards, @Nullable MoveStatus move) implements OperationResponseBody {

	}

}
