package io.shardwise.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The shards and the strategies that map shard keys onto them.
 */
@ConfigurationProperties("shardwise")
public class ShardwiseProperties {

	/**
	 * Whether Shardwise is active. When false, none of its beans are created.
	 */
	private boolean enabled = true;

	/**
	 * The shards by shard id, one database each. Ids with characters other than lowercase
	 * letters, digits and '-' need bracket notation in YAML, for example
	 * "[north_america]".
	 */
	private Map<String, Shard> shards = new LinkedHashMap<>();

	/**
	 * Name of the strategy used by a @ShardKey that names none. Defaults to the only
	 * strategy when exactly one is declared.
	 */
	private String defaultStrategy;

	/**
	 * Named key-to-shard strategies. A ShardStrategy bean is also usable by its bean name.
	 */
	private Map<String, Strategy> strategies = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Shard> getShards() {
		return this.shards;
	}

	public void setShards(Map<String, Shard> shards) {
		this.shards = shards;
	}

	public String getDefaultStrategy() {
		return this.defaultStrategy;
	}

	public void setDefaultStrategy(String defaultStrategy) {
		this.defaultStrategy = defaultStrategy;
	}

	public Map<String, Strategy> getStrategies() {
		return this.strategies;
	}

	public void setStrategies(Map<String, Strategy> strategies) {
		this.strategies = strategies;
	}

	/**
	 * One shard's database and connection pool.
	 */
	public static class Shard {

		/**
		 * JDBC URL of the shard's database.
		 */
		private String url;

		/**
		 * Login username of the database.
		 */
		private String username;

		/**
		 * Login password of the database.
		 */
		private String password;

		/**
		 * Fully qualified name of the JDBC driver. Detected from the URL by default.
		 */
		private String driverClassName;

		/**
		 * Index of the shard, from 0 to 255: the number its global ids carry, and its place
		 * in the order of the shards. Set it on every shard or on none; without it shards
		 * are numbered in alphabetical order of their ids, so set it before adding a shard
		 * whose id sorts between existing ones. Never change a shard's index once it holds
		 * data.
		 */
		private Integer index;

		/**
		 * Connection pool (HikariCP) of this shard.
		 */
		private final Pool pool = new Pool();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getDriverClassName() {
			return this.driverClassName;
		}

		public void setDriverClassName(String driverClassName) {
			this.driverClassName = driverClassName;
		}

		public Integer getIndex() {
			return this.index;
		}

		public void setIndex(Integer index) {
			this.index = index;
		}

		public Pool getPool() {
			return this.pool;
		}

		@Override
		public String toString() {
			return "Shard{url=" + JdbcUrls.mask(this.url) + ", username=" + this.username + ", password="
					+ ((this.password != null) ? "******" : null) + "}";
		}

	}

	/**
	 * Connection pool settings of one shard: every HikariCP setting that Spring Boot's
	 * {@code spring.datasource.hikari.*} offers, except the connection's identity (URL,
	 * user, password, driver: set on the shard) and the pool name
	 * ({@code shardwise-<shard id>}, which metrics and logs use). Defaults are HikariCP's,
	 * except {@code initialization-fail-timeout}.
	 */
	public static class Pool {

		/**
		 * Maximum number of connections, in use or idle.
		 */
		private int maximumPoolSize = 10;

		/**
		 * Minimum number of idle connections. Defaults to the maximum pool size.
		 */
		private Integer minimumIdle;

		/**
		 * How long a caller waits for a connection before the call fails.
		 */
		private Duration connectionTimeout = Duration.ofSeconds(30);

		/**
		 * How long a connection may sit idle before it is closed (only above the minimum
		 * idle count).
		 */
		private Duration idleTimeout = Duration.ofMinutes(10);

		/**
		 * Maximum lifetime of a connection.
		 */
		private Duration maxLifetime = Duration.ofMinutes(30);

		/**
		 * How often an idle connection is tested to keep it alive (and to find it broken);
		 * zero disables it. Must be less than the max lifetime.
		 */
		private Duration keepaliveTime = Duration.ofMinutes(2);

		/**
		 * How long a connection test may take before the connection counts as broken.
		 */
		private Duration validationTimeout = Duration.ofSeconds(5);

		/**
		 * How long a connection may be out of the pool before a possible leak is logged;
		 * zero disables it.
		 */
		private Duration leakDetectionThreshold = Duration.ZERO;

		/**
		 * How long startup waits for this shard's first connection: positive fails startup
		 * if none is made in time, zero fails at once if the first attempt fails, negative
		 * (the default) never fails startup and connects on first use, so that a shard that
		 * is down does not stop the others.
		 */
		private Duration initializationFailTimeout = Duration.ofMillis(-1);

		/**
		 * Query that tests a connection, for drivers without JDBC4 {@code isValid()}; leave
		 * unset otherwise.
		 */
		private String connectionTestQuery;

		/**
		 * SQL run on every new connection before it joins the pool.
		 */
		private String connectionInitSql;

		/**
		 * Whether connections are in auto-commit mode outside transactions.
		 */
		private boolean autoCommit = true;

		/**
		 * Whether connections are read-only by default.
		 */
		private boolean readOnly = false;

		/**
		 * Default transaction isolation, a {@code java.sql.Connection} constant name such as
		 * {@code TRANSACTION_READ_COMMITTED}. The driver's default if unset.
		 */
		private String transactionIsolation;

		/**
		 * Default catalog of new connections. The driver's default if unset.
		 */
		private String catalog;

		/**
		 * Default schema of new connections. The driver's default if unset.
		 */
		private String schema;

		/**
		 * Whether the pool's own queries (connection test, init SQL) run in their own
		 * transaction.
		 */
		private boolean isolateInternalQueries = false;

		/**
		 * Whether the pool can be suspended and resumed through JMX.
		 */
		private boolean allowPoolSuspension = false;

		/**
		 * Whether the pool registers its JMX MBeans.
		 */
		private boolean registerMbeans = false;

		/**
		 * Class name of a {@code com.zaxxer.hikari.SQLExceptionOverride} that decides which
		 * SQL exceptions evict a connection.
		 */
		private String exceptionOverrideClassName;

		/**
		 * Properties passed to the JDBC driver, for example {@code cachePrepStmts}.
		 */
		private Map<String, String> dataSourceProperties = new LinkedHashMap<>();

		/**
		 * Properties of HikariCP's health checks, for example
		 * {@code connectivityCheckTimeoutMs}.
		 */
		private Map<String, String> healthCheckProperties = new LinkedHashMap<>();

		public int getMaximumPoolSize() {
			return this.maximumPoolSize;
		}

		public void setMaximumPoolSize(int maximumPoolSize) {
			this.maximumPoolSize = maximumPoolSize;
		}

		public Integer getMinimumIdle() {
			return this.minimumIdle;
		}

		public void setMinimumIdle(Integer minimumIdle) {
			this.minimumIdle = minimumIdle;
		}

		public Duration getConnectionTimeout() {
			return this.connectionTimeout;
		}

		public void setConnectionTimeout(Duration connectionTimeout) {
			this.connectionTimeout = connectionTimeout;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

		public Duration getKeepaliveTime() {
			return this.keepaliveTime;
		}

		public void setKeepaliveTime(Duration keepaliveTime) {
			this.keepaliveTime = keepaliveTime;
		}

		public Duration getValidationTimeout() {
			return this.validationTimeout;
		}

		public void setValidationTimeout(Duration validationTimeout) {
			this.validationTimeout = validationTimeout;
		}

		public Duration getLeakDetectionThreshold() {
			return this.leakDetectionThreshold;
		}

		public void setLeakDetectionThreshold(Duration leakDetectionThreshold) {
			this.leakDetectionThreshold = leakDetectionThreshold;
		}

		public Duration getInitializationFailTimeout() {
			return this.initializationFailTimeout;
		}

		public void setInitializationFailTimeout(Duration initializationFailTimeout) {
			this.initializationFailTimeout = initializationFailTimeout;
		}

		public String getConnectionTestQuery() {
			return this.connectionTestQuery;
		}

		public void setConnectionTestQuery(String connectionTestQuery) {
			this.connectionTestQuery = connectionTestQuery;
		}

		public String getConnectionInitSql() {
			return this.connectionInitSql;
		}

		public void setConnectionInitSql(String connectionInitSql) {
			this.connectionInitSql = connectionInitSql;
		}

		public boolean isAutoCommit() {
			return this.autoCommit;
		}

		public void setAutoCommit(boolean autoCommit) {
			this.autoCommit = autoCommit;
		}

		public boolean isReadOnly() {
			return this.readOnly;
		}

		public void setReadOnly(boolean readOnly) {
			this.readOnly = readOnly;
		}

		public String getTransactionIsolation() {
			return this.transactionIsolation;
		}

		public void setTransactionIsolation(String transactionIsolation) {
			this.transactionIsolation = transactionIsolation;
		}

		public String getCatalog() {
			return this.catalog;
		}

		public void setCatalog(String catalog) {
			this.catalog = catalog;
		}

		public String getSchema() {
			return this.schema;
		}

		public void setSchema(String schema) {
			this.schema = schema;
		}

		public boolean isIsolateInternalQueries() {
			return this.isolateInternalQueries;
		}

		public void setIsolateInternalQueries(boolean isolateInternalQueries) {
			this.isolateInternalQueries = isolateInternalQueries;
		}

		public boolean isAllowPoolSuspension() {
			return this.allowPoolSuspension;
		}

		public void setAllowPoolSuspension(boolean allowPoolSuspension) {
			this.allowPoolSuspension = allowPoolSuspension;
		}

		public boolean isRegisterMbeans() {
			return this.registerMbeans;
		}

		public void setRegisterMbeans(boolean registerMbeans) {
			this.registerMbeans = registerMbeans;
		}

		public String getExceptionOverrideClassName() {
			return this.exceptionOverrideClassName;
		}

		public void setExceptionOverrideClassName(String exceptionOverrideClassName) {
			this.exceptionOverrideClassName = exceptionOverrideClassName;
		}

		public Map<String, String> getDataSourceProperties() {
			return this.dataSourceProperties;
		}

		public void setDataSourceProperties(Map<String, String> dataSourceProperties) {
			this.dataSourceProperties = dataSourceProperties;
		}

		public Map<String, String> getHealthCheckProperties() {
			return this.healthCheckProperties;
		}

		public void setHealthCheckProperties(Map<String, String> healthCheckProperties) {
			this.healthCheckProperties = healthCheckProperties;
		}

	}

	/**
	 * A named key-to-shard strategy.
	 */
	public static class Strategy {

		/**
		 * Kind of strategy.
		 */
		private StrategyType type;

		/**
		 * For 'lookup': shard id by key value. Keys with spaces, dots or capitals need
		 * bracket notation in YAML, for example "[North America]".
		 */
		private Map<String, String> mapping = new LinkedHashMap<>();

		/**
		 * For 'hash': number of virtual buckets keys are hashed onto. Fixed for the life of
		 * the data: changing it moves almost every key.
		 */
		private int buckets = 1024;

		/**
		 * For 'hash': shard id by inclusive bucket range, for example "0-511": shard-a.
		 * Must cover every bucket exactly once. By default the buckets are spread evenly,
		 * in contiguous blocks, over all shards in declaration order.
		 */
		private Map<String, String> bucketShards = new LinkedHashMap<>();

		/**
		 * For 'range': numeric key ranges and their shards. Ranges must not overlap.
		 */
		private List<Range> ranges = new ArrayList<>();

		public StrategyType getType() {
			return this.type;
		}

		public void setType(StrategyType type) {
			this.type = type;
		}

		public Map<String, String> getMapping() {
			return this.mapping;
		}

		public void setMapping(Map<String, String> mapping) {
			this.mapping = mapping;
		}

		public int getBuckets() {
			return this.buckets;
		}

		public void setBuckets(int buckets) {
			this.buckets = buckets;
		}

		public Map<String, String> getBucketShards() {
			return this.bucketShards;
		}

		public void setBucketShards(Map<String, String> bucketShards) {
			this.bucketShards = bucketShards;
		}

		public List<Range> getRanges() {
			return this.ranges;
		}

		public void setRanges(List<Range> ranges) {
			this.ranges = ranges;
		}

	}

	/**
	 * Kinds of configured strategy.
	 */
	public enum StrategyType {

		/**
		 * Explicit key value to shard map.
		 */
		LOOKUP,

		/**
		 * Stable hash onto virtual buckets, buckets mapped onto shards.
		 */
		HASH,

		/**
		 * Numeric key ranges mapped onto shards.
		 */
		RANGE

	}

	/**
	 * A numeric key range, from inclusive to exclusive.
	 */
	public static class Range {

		/**
		 * Inclusive lower bound; no lower bound when not set.
		 */
		private Long from;

		/**
		 * Exclusive upper bound; no upper bound when not set.
		 */
		private Long to;

		/**
		 * Id of the shard that holds the keys of this range.
		 */
		private String shard;

		public Long getFrom() {
			return this.from;
		}

		public void setFrom(Long from) {
			this.from = from;
		}

		public Long getTo() {
			return this.to;
		}

		public void setTo(Long to) {
			this.to = to;
		}

		public String getShard() {
			return this.shard;
		}

		public void setShard(String shard) {
			this.shard = shard;
		}

	}

}
