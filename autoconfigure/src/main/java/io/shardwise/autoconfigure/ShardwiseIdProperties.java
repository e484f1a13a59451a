package io.shardwise.autoconfigure;

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

	public int getNode() {
		return this.node;
	}

	public void setNode(int node) {
		this.node = node;
	}

}
