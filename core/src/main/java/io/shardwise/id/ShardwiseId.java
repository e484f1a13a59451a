package io.shardwise.id;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.hibernate.annotations.IdGeneratorType;

/**
 * Generates a JPA entity's {@code Long} id with {@link ShardIds}: unique across shards,
 * no database round trip, and encoding the entity's shard so that {@code findById},
 * {@code existsById} and {@code deleteById} go straight to it. On the id of a Spring Data
 * JDBC aggregate root it does the same, through
 * {@link io.shardwise.datajdbc.ShardwiseIdCallback}.
 *
 * <pre class="code">
 * &#64;Id &#64;ShardwiseId
 * private Long id;
 * </pre>
 */
@IdGeneratorType(ShardwiseIdGenerator.class)
@Target({ ElementType.FIELD, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ShardwiseId {

}
