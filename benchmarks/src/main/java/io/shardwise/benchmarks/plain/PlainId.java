package io.shardwise.benchmarks.plain;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.hibernate.annotations.IdGeneratorType;

/**
 * The baseline's id generator: the same {@link io.shardwise.id.ShardIds} algorithm as
 * {@code @ShardwiseId}, without asking for a selected shard.
 */
@IdGeneratorType(PlainIdGenerator.class)
@Target({ ElementType.FIELD, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface PlainId {

}
