package io.shardwise.autoconfigure.actuate;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

import io.shardwise.autoconfigure.JdbcUrls;
import io.shardwise.autoconfigure.ShardwiseProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps shard credentials out of actuator output ({@code /actuator/env},
 * {@code /actuator/configprops}) even where values are shown
 * ({@code management.endpoint.env.show-values=always}), whatever property source they
 * come from:
 * <ul>
 * <li>a shard's {@code password} is masked, in relaxed form as well (the environment
 * variable {@code SHARDWISE_SHARDS_ASIA_PASSWORD});
 * <li>any property whose value is a shard's bound password is masked, so that a
 * variable a placeholder resolves into ({@code password: ${WEATHER_DB_PASSWORD}}) is
 * masked too;
 * <li>any value holding a JDBC URL ({@code shardwise.shards.*.url}, but also
 * {@code EUROPE_DB_URL} behind a placeholder) has the credentials it may carry masked
 * (user info, {@code password=} parameters).
 * </ul>
 * Per-shard health and the {@code shards} endpoint mask credentials themselves.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
@ConditionalOnBooleanProperty(name = "shardwise.enabled", matchIfMissing = true)
public class ShardwiseActuatorAutoConfiguration {

	@Bean
	public SanitizingFunction shardwiseCredentialsSanitizingFunction(ObjectProvider<ShardwiseProperties> properties) {
		return (data) -> sanitize(data, properties::getIfAvailable);
	}

	static SanitizableData sanitize(SanitizableData data, Supplier<ShardwiseProperties> properties) {
		if (data.getValue() == null) {
			return data;
		}
		String key = relaxed(data.getKey());
		if (key.startsWith("shardwise.") && key.endsWith("password")) {
			return data.withSanitizedValue();
		}
		String value = data.getValue().toString();
		if (isShardPassword(value, properties.get())) {
			return data.withSanitizedValue();
		}
		if (value.contains("jdbc:") || (key.startsWith("shardwise.") && key.endsWith("url"))) {
			String masked = JdbcUrls.mask(value);
			return masked.equals(value) ? data : data.withValue(masked);
		}
		return data;
	}

	/**
	 * Return a property name in lowercase with every separator a dot, so that
	 * {@code SHARDWISE_SHARDS_ASIA_PASSWORD} and {@code shardwise.shards[asia].password}
	 * look alike.
	 */
	private static String relaxed(String key) {
		return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", ".");
	}

	private static boolean isShardPassword(String value, ShardwiseProperties properties) {
		if (properties == null || value.isEmpty()) {
			return false;
		}
		return properties.getShards()
			.values()
			.stream()
			.map(ShardwiseProperties.Shard::getPassword)
			.anyMatch((password) -> Objects.equals(password, value));
	}

}
