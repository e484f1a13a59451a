package io.shardwise.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.SpringApplication;
import org.springframework.util.FileSystemUtils;

/**
 * Four real PostgreSQL servers, one process per shard on its own port, started from the
 * binaries on the test classpath (no Docker). One set serves the whole test run; each
 * Spring context gets its own database on every server. A server can be stopped and
 * started again on the same port and data directory, to inject an outage.
 *
 * <p>The application logs in as {@link #APP_USER} with a password (scram-sha-256); tests
 * inspect the databases as the superuser, which is trusted on the loopback interface.
 */
public final class EmbeddedPostgresShards implements AutoCloseable {

	public static final String APP_USER = "weather";

	/** A password that must never show up in any output (see the secrets test). */
	public static final String APP_PASSWORD = "Pg-Secret-4f9c2e71";

	private static final String SUPERUSER = "postgres";

	private static final Path ROOT = Path.of("target", "embedded-postgres");

	private static volatile EmbeddedPostgresShards instance;

	private final Map<String, Server> servers = new LinkedHashMap<>();

	private final Set<String> databases = ConcurrentHashMap.newKeySet();

	private EmbeddedPostgresShards() {
		ShardDatabases.SHARDS.forEach((shard) -> this.servers.put(shard, new Server(shard, freePort())));
		// initdb dominates the start-up time: run the four in parallel.
		CompletableFuture.allOf(this.servers.values()
			.stream()
			.map((server) -> CompletableFuture.runAsync(server::init))
			.toArray(CompletableFuture[]::new)).join();
	}

	/**
	 * Return the servers of this test run, starting them on first use.
	 * @return the servers
	 */
	public static synchronized EmbeddedPostgresShards get() {
		if (instance == null) {
			instance = new EmbeddedPostgresShards();
		}
		return instance;
	}

	/**
	 * Return the JDBC URL of a database on a shard's server, creating the database (owned
	 * by {@link #APP_USER}, with {@code pg_stat_statements}) on every server on first use.
	 * @param shard the shard id
	 * @param database the database name, a plain identifier
	 * @return the JDBC URL
	 */
	public String url(String shard, String database) {
		if (this.databases.add(database)) {
			this.servers.values().forEach((server) -> server.createDatabase(database));
		}
		return this.servers.get(shard).url(database);
	}

	/**
	 * Open a superuser connection to a database of a shard's server.
	 * @param shard the shard id
	 * @param database the database name
	 * @return a new connection
	 * @throws SQLException if the server is down
	 */
	public Connection connectAsSuperuser(String shard, String database) throws SQLException {
		return DriverManager.getConnection(this.servers.get(shard).url(database), SUPERUSER, "");
	}

	/**
	 * Stop a shard's server ({@code pg_ctl stop -m fast}: open connections are cut).
	 * @param shard the shard id
	 */
	void stop(String shard) {
		this.servers.get(shard).stop();
	}

	/**
	 * Kill a shard's server with SIGKILL, the postmaster and every backend at once, as
	 * a crash would: no connection is told anything, and the next start recovers.
	 * @param shard the shard id
	 */
	void kill(String shard) {
		this.servers.get(shard).kill();
	}

	/**
	 * Start a stopped shard's server again, on the same port and data.
	 * @param shard the shard id
	 */
	void start(String shard) {
		this.servers.get(shard).start();
	}

	@Override
	public synchronized void close() {
		// In parallel, as at start: it runs inside the test JVM's exit.
		CompletableFuture.allOf(this.servers.values()
			.stream()
			.map((server) -> CompletableFuture.runAsync(server::destroy))
			.toArray(CompletableFuture[]::new)).join();
		instance = null;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Closes the servers when the whole test run ends, after Spring Boot's shutdown hook
	 * has closed the cached application contexts; add it to every test class that uses
	 * them. Stopping the servers first (at the end of the JUnit run) left every cached
	 * context's pools retrying dead servers while they closed, and the test JVM overran
	 * surefire's 30 s exit timeout.
	 */
	public static final class StopAfterAllTests implements BeforeAllCallback {

		private static final Runnable CLOSE = () -> {
			EmbeddedPostgresShards running = instance;
			if (running != null) {
				running.close();
			}
		};

		@Override
		public void beforeAll(ExtensionContext context) {
			// A set: the same action is added once.
			SpringApplication.getShutdownHandlers().add(CLOSE);
		}

	}

	private static final class Server {

		private final String shard;

		private final int port;

		private final File directory;

		private EmbeddedPostgres postgres;

		Server(String shard, int port) {
			this.shard = shard;
			this.port = port;
			this.directory = ROOT.resolve(shard).toFile();
		}

		synchronized void init() {
			FileSystemUtils.deleteRecursively(this.directory);
			start();
			try (Connection connection = DriverManager.getConnection(url("postgres"), SUPERUSER, "");
					Statement statement = connection.createStatement()) {
				statement.execute("create role " + APP_USER + " login password '" + APP_PASSWORD + "'");
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot create the application role on " + this.shard, ex);
			}
		}

		synchronized void start() {
			if (this.postgres != null) {
				return;
			}
			try {
				this.postgres = EmbeddedPostgres.builder()
					.setDataDirectory(this.directory)
					.setCleanDataDirectory(false)
					// StopAfterAllTests stops the servers once the contexts are closed.
					.setRegisterShutdownHook(false)
					.setPort(this.port)
					.setServerConfig("shared_preload_libraries", "pg_stat_statements")
					.setServerConfig("max_connections", "100")
					.setServerConfig("fsync", "off")
					// The embedded server's default is off, with which a kill (SIGKILL)
					// loses the commits of the last few hundred ms, such as a context's
					// Flyway migration. fsync stays off: a killed process loses nothing
					// the kernel has.
					.setServerConfig("synchronous_commit", "on")
					.setDataDirectoryCustomizer(Server::requirePasswords)
					.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start PostgreSQL for shard " + this.shard, ex);
			}
		}

		synchronized void stop() {
			if (this.postgres != null) {
				try {
					this.postgres.close();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				this.postgres = null;
			}
		}

		synchronized void kill() {
			if (this.postgres == null) {
				return;
			}
			try {
				long pid = Long.parseLong(Files.readAllLines(this.directory.toPath().resolve("postmaster.pid")).get(0).trim());
				ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
				List<ProcessHandle> all = new java.util.ArrayList<>(postmaster.descendants().toList());
				all.add(0, postmaster);
				all.forEach(ProcessHandle::destroyForcibly);
				for (ProcessHandle process : all) {
					process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
				}
			}
			catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
				throw new IllegalStateException("Cannot kill PostgreSQL of shard " + this.shard, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			try {
				// Releases the embedded server's own lock on the data directory; its
				// "pg_ctl stop" finds no server.
				this.postgres.close();
			}
			catch (IOException | RuntimeException ex) {
				// expected: the server is gone
			}
			this.postgres = null;
		}

		synchronized void destroy() {
			stop();
			FileSystemUtils.deleteRecursively(this.directory);
		}

		String url(String database) {
			return "jdbc:postgresql://localhost:" + this.port + "/" + database;
		}

		synchronized void createDatabase(String database) {
			try (Connection connection = DriverManager.getConnection(url("postgres"), SUPERUSER, "");
					Statement statement = connection.createStatement();
					ResultSet exists = statement
						.executeQuery("select 1 from pg_database where datname = '" + database + "'")) {
				if (!exists.next()) {
					statement.execute("create database " + database + " owner " + APP_USER);
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot create database " + database + " on " + this.shard, ex);
			}
			try (Connection connection = DriverManager.getConnection(url(database), SUPERUSER, "");
					Statement statement = connection.createStatement()) {
				statement.execute("create extension if not exists pg_stat_statements");
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot set up database " + database + " on " + this.shard, ex);
			}
		}

		/**
		 * The superuser stays trusted for the tests' own inspection; everyone else must
		 * send a password, so that the application's password is really used.
		 */
		private static void requirePasswords(File dataDirectory) {
			List<String> rules = List.of("local all all trust", "host all postgres 127.0.0.1/32 trust",
					"host all postgres ::1/128 trust", "host all all 127.0.0.1/32 scram-sha-256",
					"host all all ::1/128 scram-sha-256");
			try {
				Files.write(dataDirectory.toPath().resolve("pg_hba.conf"), rules);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
