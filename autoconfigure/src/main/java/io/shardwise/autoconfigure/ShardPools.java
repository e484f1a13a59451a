package io.shardwise.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardwise.id.NodeLease;
import io.shardwise.id.ShardIds;
import io.shardwise.routing.Shards;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * Creates one HikariCP pool per configured shard, after checking the shard properties.
 */
final class ShardPools {

	private ShardPools() {
	}

	static Shards create(ShardwiseProperties properties, ShardwiseIdProperties idProperties) {
		Map<String, ShardwiseProperties.Shard> configured = properties.getShards();
		if (configured.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("shardwise.shards", null,
					"Declare at least one shard, for example shardwise.shards.shard-a.url=jdbc:h2:mem:a");
		}
		if (configured.size() > ShardIds.MAX_SHARDS) {
			throw new InvalidConfigurationPropertyValueException("shardwise.shards", configured.size() + " shards",
					"At most " + ShardIds.MAX_SHARDS + " shards are supported");
		}
		Integer node = idProperties.getNode();
		if (node != null && (node < 0 || node >= ShardIds.MAX_NODES)) {
			throw new InvalidConfigurationPropertyValueException("shardwise.id.node", node,
					"Must be between 0 and " + (ShardIds.MAX_NODES - 1));
		}
		Duration leaseDuration = idProperties.getLeaseDuration();
		if (leaseDuration == null || leaseDuration.toMillis() < 1000) {
			throw new InvalidConfigurationPropertyValueException("shardwise.id.lease-duration", leaseDuration,
					"Must be at least 1s");
		}
		configured.forEach((id, shard) -> {
			if (!StringUtils.hasText(shard.getUrl())) {
				throw new InvalidConfigurationPropertyValueException("shardwise.shards." + id + ".url", shard.getUrl(),
						"Every shard needs the JDBC URL of its database");
			}
		});
		Map<String, Integer> indexes = indexes(configured);
		Map<String, HikariDataSource> pools = new LinkedHashMap<>();
		try {
			configured.forEach((id, shard) -> pools.put(id, pool(id, shard)));
		}
		catch (RuntimeException ex) {
			pools.values().forEach(HikariDataSource::close);
			throw ex;
		}
		// The lease table lives on the shard with the lowest index, which every instance
		// of the application agrees on.
		String leaseShard = indexes.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
		String where = "shard '" + leaseShard + "'";
		NodeLease lease = (node != null)
				? NodeLease.configured(pools.get(leaseShard), where, node, leaseDuration)
				: NodeLease.automatic(pools.get(leaseShard), where, leaseDuration);
		return new Shards(pools, indexes, lease);
	}

	/**
	 * Number the shards by their configured indexes, or else in alphabetical order of their
	 * ids: never by the order Spring Boot binds them in, which changes when an environment
	 * variable or command-line argument overrides one shard's property.
	 */
	private static Map<String, Integer> indexes(Map<String, ShardwiseProperties.Shard> configured) {
		Map<String, Integer> indexes = new LinkedHashMap<>();
		boolean anyIndexed = configured.values().stream().anyMatch((shard) -> shard.getIndex() != null);
		if (!anyIndexed) {
			configured.keySet().stream().sorted().forEach((id) -> indexes.put(id, indexes.size()));
			return indexes;
		}
		Map<Integer, String> owners = new LinkedHashMap<>();
		configured.forEach((id, shard) -> {
			String property = "shardwise.shards." + id + ".index";
			Integer index = shard.getIndex();
			if (index == null) {
				throw new InvalidConfigurationPropertyValueException(property, null,
						"Set the index of every shard, or of none");
			}
			if (index < 0 || index >= ShardIds.MAX_SHARDS) {
				throw new InvalidConfigurationPropertyValueException(property, index,
						"Must be between 0 and " + (ShardIds.MAX_SHARDS - 1));
			}
			String owner = owners.putIfAbsent(index, id);
			if (owner != null) {
				throw new InvalidConfigurationPropertyValueException(property, index,
						"Shard '" + owner + "' has the same index");
			}
			indexes.put(id, index);
		});
		return indexes;
	}

	private static HikariDataSource pool(String id, ShardwiseProperties.Shard shard) {
		ShardwiseProperties.Pool pool = shard.getPool();
		HikariConfig config = new HikariConfig();
		config.setPoolName("shardwise-" + id);
		config.setJdbcUrl(shard.getUrl());
		config.setUsername(shard.getUsername());
		config.setPassword(shard.getPassword());
		config.setMaximumPoolSize(pool.getMaximumPoolSize());
		config.setMinimumIdle((pool.getMinimumIdle() != null) ? pool.getMinimumIdle() : pool.getMaximumPoolSize());
		config.setConnectionTimeout(pool.getConnectionTimeout().toMillis());
		config.setIdleTimeout(pool.getIdleTimeout().toMillis());
		config.setMaxLifetime(pool.getMaxLifetime().toMillis());
		config.setKeepaliveTime(pool.getKeepaliveTime().toMillis());
		config.setValidationTimeout(pool.getValidationTimeout().toMillis());
		config.setLeakDetectionThreshold(pool.getLeakDetectionThreshold().toMillis());
		// By default connect on first use, so that a shard that is down does not stop the others.
		config.setInitializationFailTimeout(pool.getInitializationFailTimeout().toMillis());
		// Unset text settings keep HikariCP's (and the driver's) defaults.
		PropertyMapper map = PropertyMapper.get();
		map.from(pool::getConnectionTestQuery).to(config::setConnectionTestQuery);
		map.from(pool::getConnectionInitSql).to(config::setConnectionInitSql);
		map.from(pool::getTransactionIsolation).to(config::setTransactionIsolation);
		map.from(pool::getCatalog).to(config::setCatalog);
		map.from(pool::getSchema).to(config::setSchema);
		map.from(pool::getExceptionOverrideClassName).to(config::setExceptionOverrideClassName);
		config.setAutoCommit(pool.isAutoCommit());
		config.setReadOnly(pool.isReadOnly());
		config.setIsolateInternalQueries(pool.isIsolateInternalQueries());
		config.setAllowPoolSuspension(pool.isAllowPoolSuspension());
		config.setRegisterMbeans(pool.isRegisterMbeans());
		pool.getDataSourceProperties().forEach(config::addDataSourceProperty);
		pool.getHealthCheckProperties().forEach(config::addHealthCheckProperty);
		try {
			if (StringUtils.hasText(shard.getDriverClassName())) {
				config.setDriverClassName(shard.getDriverClassName());
			}
			return new HikariDataSource(config);
		}
		catch (RuntimeException ex) {
			// Driver errors quote the raw URL, credentials included: keep only a masked
			// message, and not the cause, whose message would reach the logs.
			throw new IllegalStateException("Cannot create the connection pool of shard '" + id + "' ("
					+ JdbcUrls.mask(shard.getUrl()) + "): " + ex.getClass().getSimpleName() + ": "
					+ JdbcUrls.mask(ex.getMessage()));
		}
	}

}
