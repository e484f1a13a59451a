package io.shardwise.autoconfigure;

import java.time.Duration;
import java.time.Instant;

import io.shardwise.id.ShardIds;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Global id generation ({@code @ShardwiseId}): this instance's node number.
 */
@ConfigurationProperties(prefix = "shardwise.id", ignoreUnknownFields = false)
public class ShardwiseIdProperties {

	/**
	 * Node number of this application instance, from 0 to 63, which its ids carry so
	 * that they differ from other instances'. Unset (default): the instance leases a
	 * free number from the table shardwise_node_lease on the shard with the lowest
	 * index, and startup fails if none is free or that shard cannot be reached. Set: the
	 * number is registered in the same table, and startup fails if another running
	 * instance holds it.
	 */
	private Integer node;

	/**
	 * When the application began to generate ids. A key that decodes to an earlier
	 * time, such as a legacy sequence value or an imported key, is taken for a foreign id:
	 * lookups by it search every shard instead of the one its bits would name. Set it to
	 * the first day this application ran with Shardwise ids if it imported keys generated
	 * by another system after the default.
	 */
	private Instant validFrom = ShardIds.DEFAULT_VALID_FROM;

	/**
	 * How long a node lease lasts without renewal; it is renewed every quarter of it.
	 * An instance stops generating ids when three quarters have passed without a
	 * successful renewal, and the node of an instance that stopped is free again after
	 * the whole duration. Clocks of the instances' hosts must agree within a quarter.
	 */
	private Duration leaseDuration = Duration.ofSeconds(60);

	public Integer getNode() {
		return this.node;
	}

	public void setNode(Integer node) {
		this.node = node;
	}

	public Instant getValidFrom() {
		return this.validFrom;
	}

	public void setValidFrom(Instant validFrom) {
		this.validFrom = validFrom;
	}

	public Duration getLeaseDuration() {
		return this.leaseDuration;
	}

	public void setLeaseDuration(Duration leaseDuration) {
		this.leaseDuration = leaseDuration;
	}

}
