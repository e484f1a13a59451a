/**
 * The shard context across threads: work that a routed call hands to an executor keeps
 * the caller's selected shard, through Spring's
 * {@link org.springframework.core.task.TaskDecorator} or Micrometer's context-propagation
 * library, and leaves the worker thread without a shard when it ends.
 */
package io.shardwise.context;
