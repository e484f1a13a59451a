package io.shardwise.autoconfigure.context;

import io.shardwise.context.ShardContextTaskDecorator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

/**
 * Carries the selected shard into work handed to Spring Boot's task executors (and so
 * to {@code @Async} methods): a {@link ShardContextTaskDecorator} bean, which Spring Boot
 * applies to the executors it builds. Not needed, and not created, when the application
 * propagates all its contexts with a {@link ContextPropagatingTaskDecorator}
 * ({@code spring.task.execution.propagate-context=true}): that one carries the shard
 * through Shardwise's context-propagation accessor.
 */
@AutoConfiguration(after = TaskExecutionAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "shardwise.enabled", matchIfMissing = true)
public class ShardwiseContextPropagationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean({ ShardContextTaskDecorator.class, ContextPropagatingTaskDecorator.class })
	public ShardContextTaskDecorator shardContextTaskDecorator() {
		return new ShardContextTaskDecorator();
	}

}
