package io.shardwise.benchmarks.weather;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Walks one thread through the focus continent's stored locations in their shuffled
 * order, wrapping around; both sides of a pair visit the same keys in the same order.
 */
@State(Scope.Thread)
public class KeyCursor {

	private LocationKeys keys;

	private int position = -1;

	/**
	 * Take the keys of the loaded shards.
	 * @param sharded the loaded shards
	 */
	@Setup(Level.Trial)
	public void start(ShardedWeather sharded) {
		this.keys = sharded.focusKeys();
	}

	/**
	 * Advance to the next location.
	 * @return its position in {@link #keys()}
	 */
	public int next() {
		if (++this.position == this.keys.size()) {
			this.position = 0;
		}
		return this.position;
	}

	public LocationKeys keys() {
		return this.keys;
	}

}
