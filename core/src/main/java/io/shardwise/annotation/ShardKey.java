package io.shardwise.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the value that decides which shard a call or an entity belongs to.
 *
 * <ul>
 * <li>On a <b>method parameter</b> of a Spring Data repository or of any other Spring
 * bean: the call runs on the shard that the argument maps to. A {@code Collection} or
 * array argument runs a repository query on the shards of its values only (each shard
 * receiving just its own values); a service method's values must all map to one shard.
 * <li>On an <b>entity field</b>: {@code save}, {@code saveAll}, {@code delete} and
 * friends write the entity to the shard its value maps to. On an association to a parent
 * entity (for example {@code @ManyToOne Location location}), the entity lands on the
 * parent's shard.
 * </ul>
 *
 * @see io.shardwise.strategy.ShardStrategy
 */
@Target({ ElementType.PARAMETER, ElementType.FIELD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ShardKey {

	/**
	 * Name of the strategy that maps the key to a shard, as declared under
	 * {@code shardwise.strategies.<name>} or as the bean name of a
	 * {@link io.shardwise.strategy.ShardStrategy}. Empty means the default strategy.
	 * @return the strategy name, or empty for the default strategy
	 */
	String strategy() default "";

}
