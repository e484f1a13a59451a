package io.shardwise.benchmarks.plain;

import java.util.EnumSet;

import io.shardwise.benchmarks.weather.WeatherData;
import io.shardwise.id.ShardIds;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;
import org.hibernate.generator.EventTypeSets;

/**
 * Generator behind {@link PlainId}: ids of the focus continent's shard index, made by
 * {@link ShardIds} with node 1, so that they never collide with the node-0 ids the
 * Shardwise side stored in the same database. It costs what {@code @ShardwiseId} costs
 * minus the lookup of the selected shard.
 */
public class PlainIdGenerator implements BeforeExecutionGenerator {

	private static final long serialVersionUID = 1L;

	private static final ShardIds IDS = new ShardIds(WeatherData.CONTINENTS.size(), 1);

	private static final int SHARD_INDEX = WeatherData.CONTINENTS.indexOf(WeatherData.FOCUS_CONTINENT);

	@Override
	public Object generate(SharedSessionContractImplementor session, Object owner, Object currentValue,
			EventType eventType) {
		return IDS.next(SHARD_INDEX);
	}

	@Override
	public EnumSet<EventType> getEventTypes() {
		return EventTypeSets.INSERT_ONLY;
	}

}
