package io.shardwise.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.shardwise.autoconfigure.actuate.ShardwiseHealthProperties;
import io.shardwise.fanout.FailurePolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read from the autoconfigure jar: the file the
 * configuration processor wrote next to the compiled property classes (the jar packs
 * exactly that directory), merged with additional-spring-configuration-metadata.json.
 * Every nested property of a shard and a strategy is checked against the property
 * classes themselves, so a property added to them without metadata fails here.
 */
class ConfigurationMetadataTest {

	private static Map<String, Map<String, Object>> properties;

	private static Map<String, List<String>> hints;

	@BeforeAll
	static void readMetadata() throws IOException {
		URL classes = ShardwiseProperties.class.getProtectionDomain().getCodeSource().getLocation();
		String location = classes.toString();
		URL metadata = location.endsWith(".jar")
				? new URL("jar:" + location + "!/META-INF/spring-configuration-metadata.json")
				: new URL(location + "META-INF/spring-configuration-metadata.json");
		try (InputStream in = metadata.openStream()) {
			Object json = JsonPath.parse(in).json();
			List<Map<String, Object>> all = JsonPath.read(json, "$.properties");
			properties = new LinkedHashMap<>();
			all.forEach((property) -> properties.put((String) property.get("name"), property));
			List<Map<String, Object>> allHints = JsonPath.read(json, "$.hints");
			hints = new LinkedHashMap<>();
			allHints.forEach((hint) -> hints.put((String) hint.get("name"),
					JsonPath.read(hint, "$.values[*].value")));
		}
	}

	@Test
	void everyShardPropertyHasDescriptionTypeAndDefault() {
		assertDescribed("shardwise.shards.*.", ShardwiseProperties.Shard.class);
		assertThat(properties).containsKeys("shardwise.shards.*.url", "shardwise.shards.*.index",
				"shardwise.shards.*.pool.maximum-pool-size", "shardwise.shards.*.pool.connection-timeout");
		assertThat(properties.get("shardwise.shards.*.pool.connection-timeout")).containsEntry("defaultValue", "30s");
	}

	@Test
	void everyStrategyPropertyHasDescriptionTypeAndDefault() {
		assertDescribed("shardwise.strategies.*.", ShardwiseProperties.Strategy.class);
		assertThat(properties).containsKeys("shardwise.strategies.*.type", "shardwise.strategies.*.mapping",
				"shardwise.strategies.*.bucket-shards", "shardwise.strategies.*.ranges[*].from");
		assertThat(properties.get("shardwise.strategies.*.buckets")).containsEntry("defaultValue", 1024);
	}

	@Test
	void enumPropertiesHintTheirValues() {
		assertThat(hints.get("shardwise.strategies.*.type")).containsExactly("lookup", "hash", "range");
		assertThat(hints.get("shardwise.fan-out.on-shard-failure")).containsExactly("fail", "partial");
		assertThat(hints.get("shardwise.health.on-shard-down")).containsExactly("down", "degraded");
		assertHintsMatchEnum("shardwise.strategies.*.type", ShardwiseProperties.StrategyType.class);
		assertHintsMatchEnum("shardwise.fan-out.on-shard-failure", FailurePolicy.class);
		assertHintsMatchEnum("shardwise.health.on-shard-down", ShardwiseHealthProperties.ShardDownStatus.class);
		assertThat(properties.get("shardwise.fan-out.on-shard-failure")).containsEntry("defaultValue", "fail");
		assertThat(properties.get("shardwise.health.on-shard-down")).containsEntry("defaultValue", "down");
	}

	@Test
	void migrationLocationsHaveTheirDefault() {
		Map<String, Object> locations = properties.get("shardwise.migration.locations");
		assertThat(locations.get("defaultValue")).isEqualTo(new ShardwiseMigrationProperties().getLocations());
		assertThat((String) locations.get("description")).isNotBlank();
		assertThat(locations).containsEntry("type", "java.util.List<java.lang.String>");
	}

	@Test
	void everyTopLevelPropertyIsDescribed() {
		properties.forEach((name, property) -> assertThat((String) property.get("description"))
			.as("description of %s", name)
			.isNotBlank());
	}

	private static void assertDescribed(String prefix, Class<?> type) {
		Object defaults = BeanUtils.instantiateClass(type);
		BeanWrapperImpl wrapper = new BeanWrapperImpl(defaults);
		for (PropertyDescriptor descriptor : wrapper.getPropertyDescriptors()) {
			if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
				continue;
			}
			String name = prefix + kebab(descriptor.getName());
			ResolvableType propertyType = ResolvableType.forMethodReturnType(descriptor.getReadMethod());
			Class<?> raw = propertyType.resolve();
			if (raw.getEnclosingClass() == ShardwiseProperties.class && !raw.isEnum()) {
				// a nested group such as the pool: its own properties carry the metadata
				assertDescribed(name + ".", raw);
				continue;
			}
			Map<String, Object> property = properties.get(name);
			assertThat(property).as("metadata of %s", name).isNotNull();
			assertThat((String) property.get("description")).as("description of %s", name).isNotBlank();
			// the processor names primitive types by their wrapper
			String typeName = raw.isPrimitive() ? ClassUtils.resolvePrimitiveIfNecessary(raw).getName()
					: propertyType.toString().replace(" ", "");
			assertThat(property.get("type")).as("type of %s", name).isEqualTo(typeName);
			Object defaultValue = wrapper.getPropertyValue(descriptor.getName());
			if (isSet(defaultValue)) {
				assertThat(property).as("default of %s", name).containsKey("defaultValue");
				Object converted = ApplicationConversionService.getSharedInstance()
					.convert(String.valueOf(property.get("defaultValue")), raw);
				assertThat(converted).as("default of %s", name).isEqualTo(defaultValue);
			}
			else {
				assertThat(property).as("default of %s", name).doesNotContainKey("defaultValue");
			}
			if (List.class.isAssignableFrom(raw)) {
				assertDescribed(name + "[*].", propertyType.getGeneric(0).resolve());
			}
		}
	}

	private static boolean isSet(Object value) {
		return value != null && !(value instanceof Collection<?> collection && collection.isEmpty())
				&& !(value instanceof Map<?, ?> map && map.isEmpty());
	}

	private static void assertHintsMatchEnum(String name, Class<? extends Enum<?>> type) {
		assertThat(hints.get(name)).as("hints of %s", name)
			.containsExactlyElementsOf(Arrays.stream(type.getEnumConstants())
				.map((constant) -> constant.name().toLowerCase(Locale.ROOT))
				.toList());
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
	}

}
