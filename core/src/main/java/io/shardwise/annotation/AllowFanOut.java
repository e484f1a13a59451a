package io.shardwise.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows a repository method (or every method of a repository interface) to run on
 * every shard when it has no shard key, even where {@code shardwise.fan-out.allowed=false}
 * forbids accidental scatter queries.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AllowFanOut {

}
