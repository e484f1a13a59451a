package io.shardwise.autoconfigure;

import java.time.Instant;

import io.shardwise.id.ShardIds;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Global id generation ({@code @ShardwiseId}).
 */
@ConfigurationProperties("shardwise.id")
public class ShardwiseIdProperties {

	/**
	 * Number of this application instance, from 0 to 63. Instances that write to the
	 * same shards at the same time must each have their own number, or their ids can
	 * collide.
	 */
	private int node = 0;

	/**
	 * When the application began to generate ids. A key that decodes to an earlier
	 * time, such as a legacy sequence value or an imported key, is taken for a foreign id:
	 * lookups by it search every shard instead of the one its bits would name. Set it to
	 * the first day this application ran with Shardwise ids if it imported keys generated
	 * by another system after the default.
	 */
	private Instant validFrom = ShardIds.DEFAULT_VALID_FROM;

	public int getNode() {
		return this.node;
	}

	public void setNode(int node) {
		this.node = node;
	}

	public Instant getValidFrom() {
		return this.validFrom;
	}

	public void setValidFrom(Instant validFrom) {
		this.validFrom = validFrom;
	}

}
