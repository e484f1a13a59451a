package io.shardwise;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.routing.Shard;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;
import org.springframework.util.Assert;

/**
 * Runs code on chosen shards, for everything that {@code @ShardKey} does not cover:
 * batch jobs, reports, administration. Inside a callback, repositories, JdbcTemplate and
 * transactions work on the selected shard.
 *
 * <pre class="code">
 * long asiaCount = shardTemplate.onShardOf("Asia", (shard) -&gt; locations.count());
 * Map&lt;String, Long&gt; counts = shardTemplate.onAllShards((shard) -&gt; locations.count());
 * </pre>
 *
 * Callbacks on several shards run each with its shard selected and so in its own
 * transaction: in parallel on worker threads or, where the executor measured that to be
 * cheaper, one after the other on the calling thread (see {@code FanOutExecutor}); under
 * the configured fan-out deadline and failure policy either way: with the partial
 * policy, failed shards are missing from the returned map. Inside a transaction they
 * run one after the other on the caller's thread, in its unit of work.
 *
 * <p>The shard of a callback is <em>pinned</em>: the application chose it, so it wins.
 * A lookup by id inside it searches only that shard, and a keyed call (or a save) whose
 * key maps to another shard is refused with a {@link ShardRoutingException} rather than
 * silently run elsewhere.
 */
public class ShardTemplate {

	private static final String OPERATION = "ShardTemplate callback";

	private final ShardRouter router;

	private final FanOutExecutor fanOut;

	public ShardTemplate(ShardRouter router, FanOutExecutor fanOut) {
		this.router = router;
		this.fanOut = fanOut;
	}

	/**
	 * Run a callback on the shard with the given id.
	 * @param <T> the result type
	 * @param shardId a configured shard id
	 * @param callback the callback, given the shard id
	 * @return the callback's result
	 */
	public <T> T onShard(String shardId, Function<String, T> callback) {
		Shard shard = this.router.shards().get(shardId);
		return call(shard, callback);
	}

	/**
	 * Run a callback on the shard of a key, using the default strategy.
	 * @param <T> the result type
	 * @param key the shard key
	 * @param callback the callback, given the shard id
	 * @return the callback's result
	 */
	public <T> T onShardOf(Object key, Function<String, T> callback) {
		return onShardOf("", key, callback);
	}

	/**
	 * Run a callback on the shard of a key, using the named strategy.
	 * @param <T> the result type
	 * @param strategy a strategy name, or empty for the default
	 * @param key the shard key
	 * @param callback the callback, given the shard id
	 * @return the callback's result
	 */
	public <T> T onShardOf(String strategy, Object key, Function<String, T> callback) {
		return call(this.router.shardFor(strategy, key), callback);
	}

	/**
	 * Run a callback once on each shard that holds one of the keys (default strategy).
	 * @param <T> the result type
	 * @param keys the shard keys
	 * @param callback the callback, given the shard id
	 * @return each shard's result by shard id, in declaration order of the shards
	 */
	public <T> Map<String, T> onShardsOf(Collection<?> keys, Function<String, T> callback) {
		return onShards(this.router.shardsOf("", keys), callback);
	}

	/**
	 * Run a callback on every shard.
	 * @param <T> the result type
	 * @param callback the callback, given the shard id
	 * @return each shard's result by shard id, in declaration order
	 */
	public <T> Map<String, T> onAllShards(Function<String, T> callback) {
		return onShards(this.router.shards().all(), callback);
	}

	/**
	 * Return the shard an entity belongs to: the shard whose EntityManager manages it in
	 * the current transaction, else the shard it was loaded from or saved to, else the
	 * shard its {@code @ShardKey} or Shardwise id names. This answers for entities without
	 * Shardwise ids too, such as child rows with per-database identity ids (where id 1
	 * exists on several shards), and never initializes a lazy proxy.
	 * @param entity an entity or a proxy of one
	 * @return the shard id
	 * @throws ShardRoutingException if Shardwise cannot tell
	 */
	public String shardOf(Object entity) {
		Assert.notNull(entity, "entity must not be null");
		Shard shard = this.router.shardOf(entity);
		if (shard == null) {
			throw new ShardRoutingException("Shardwise does not know the shard of this "
					+ entity.getClass().getSimpleName() + ": it has no @ShardKey or Shardwise id, and it was not "
					+ "loaded or saved through a Shardwise repository");
		}
		return shard.id();
	}

	private <T> Map<String, T> onShards(List<Shard> shards, Function<String, T> callback) {
		Map<String, T> byShard = new LinkedHashMap<>();
		this.fanOut
			.execute(ShardCallKind.FAN_OUT, OPERATION, shards,
					(shard) -> ShardContext.callPinned(shard, () -> callback.apply(shard.id())))
			.forEach((shard, result) -> byShard.put(shard.id(), result));
		return byShard;
	}

	private <T> T call(Shard shard, Function<String, T> callback) {
		try {
			return this.fanOut.run(ShardCallKind.ROUTED, OPERATION, shard,
					() -> ShardContext.callPinned(shard, () -> callback.apply(shard.id())));
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

}
