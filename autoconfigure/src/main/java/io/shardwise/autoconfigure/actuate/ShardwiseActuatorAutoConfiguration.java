package io.shardwise.autoconfigure.actuate;

import java.util.Locale;

import io.shardwise.autoconfigure.JdbcUrls;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps shard credentials out of actuator output ({@code /actuator/env},
 * {@code /actuator/configprops}) even where values are shown
 * ({@code management.endpoint.env.show-values=always}): every
 * {@code shardwise.*password} property is masked and every {@code shardwise.*url} has
 * the credentials a JDBC URL may carry masked. Per-shard health and the {@code shards} endpoint mask credentials themselves.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
@ConditionalOnBooleanProperty(name = "shardwise.enabled", matchIfMissing = true)
public class ShardwiseActuatorAutoConfiguration {

	@Bean
	public SanitizingFunction shardwiseCredentialsSanitizingFunction() {
		return ShardwiseActuatorAutoConfiguration::sanitize;
	}

	static SanitizableData sanitize(SanitizableData data) {
		String key = data.getKey().toLowerCase(Locale.ROOT);
		if (!key.startsWith("shardwise.") || data.getValue() == null) {
			return data;
		}
		if (key.endsWith("password")) {
			return data.withSanitizedValue();
		}
		if (key.endsWith("url") && data.getValue() instanceof CharSequence url) {
			return data.withValue(JdbcUrls.mask(url.toString()));
		}
		return data;
	}

}
