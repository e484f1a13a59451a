package io.shardwise.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.SpringApplication;
import org.springframework.util.FileSystemUtils;

/**
 * Four real MariaDB servers, one {@code mariadbd} process per shard on its own loopback
 * port and data directory, from Debian's {@code mariadb-server-core} package (which
 * {@code .ci/run} installs when missing; no Docker). One set serves the whole test run;
 * each Spring context gets its own database on every server. A server can be stopped
 * and started again on the same port and data, to inject an outage.
 *
 * <p>The system tables are created once ({@code mariadb-install-db}) in a template data
 * directory, which then gets the users, and is copied for each shard. The application
 * logs in as {@link #APP_USER} with a password; the tests inspect the databases as
 * {@code root}, which has no password on the loopback interface.
 *
 * <p>Every database is created with the binary collation {@value #COLLATION}, so that
 * the database sorts text as Shardwise's merge does (Java's {@code String} order); see
 * README, "Calls without a shard key".
 */
final class MariaDbShards implements AutoCloseable {

	private static boolean installAttempted;


	static final String APP_USER = "weather";

	static final String APP_PASSWORD = "Maria-Secret-7d21b9";

	static final String COLLATION = "utf8mb4_nopad_bin";

	private static final Path ROOT = Path.of("target", "mariadb").toAbsolutePath();

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private static volatile MariaDbShards instance;

	private final Map<String, Server> servers = new LinkedHashMap<>();

	private final Set<String> databases = ConcurrentHashMap.newKeySet();

	private MariaDbShards() {
		FileSystemUtils.deleteRecursively(ROOT.toFile());
		Path template = createTemplate();
		ShardDatabases.SHARDS.forEach((shard) -> this.servers.put(shard, new Server(shard, freePort())));
		CompletableFuture.allOf(this.servers.values()
			.stream()
			.map((server) -> CompletableFuture.runAsync(() -> server.init(template)))
			.toArray(CompletableFuture[]::new)).join();
		FileSystemUtils.deleteRecursively(template.toFile());
	}

	/**
	 * Return the servers of this test run, starting them on first use.
	 * @return the servers
	 */
	static synchronized MariaDbShards get() {
		if (instance == null) {
			instance = new MariaDbShards();
		}
		return instance;
	}

	/**
	 * Return the JDBC URL of a database on a shard's server, creating the database on
	 * every server on first use.
	 * @param shard the shard id
	 * @param database the database name, a plain identifier
	 * @return the JDBC URL
	 */
	String url(String shard, String database) {
		if (this.databases.add(database)) {
			this.servers.values().forEach((server) -> server.createDatabase(database));
		}
		return this.servers.get(shard).url(database);
	}

	/**
	 * Open a root connection to a database of a shard's server.
	 * @param shard the shard id
	 * @param database the database name
	 * @return a new connection
	 * @throws SQLException if the server is down
	 */
	Connection connectAsRoot(String shard, String database) throws SQLException {
		return DriverManager.getConnection(this.servers.get(shard).url(database), "root", "");
	}

	/**
	 * Stop a shard's server (SIGTERM, a normal shutdown: open connections are cut).
	 * @param shard the shard id
	 */
	void stop(String shard) {
		this.servers.get(shard).stop();
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
		this.servers.values().forEach(Server::stop);
		FileSystemUtils.deleteRecursively(ROOT.toFile());
		instance = null;
	}

	private static Path createTemplate() {
		Path template = ROOT.resolve("template");
		run(List.of(executable("mariadb-install-db", "/usr/bin"), "--no-defaults", "--datadir=" + template,
				"--user=" + System.getProperty("user.name"), "--auth-root-authentication-method=normal",
				"--skip-test-db", "--skip-name-resolve", "--innodb-log-file-size=8M",
				"--innodb-buffer-pool-size=16M"), ROOT.resolve("install-db.log"));
		// Users are created by a running server: the template's, for a moment, on its socket.
		Server server = new Server("template", freePort(), template);
		server.start();
		try (Connection connection = DriverManager
			.getConnection("jdbc:mariadb://localhost/mysql?localSocket=" + server.socket(), "root", "");
				Statement statement = connection.createStatement()) {
			statement.execute("create or replace user 'root'@'127.0.0.1'");
			statement.execute("grant all on *.* to 'root'@'127.0.0.1' with grant option");
			statement.execute("create user '" + APP_USER + "'@'127.0.0.1' identified by '" + APP_PASSWORD + "'");
			// Lets a transaction that read from several shards ask, at commit, whether it
			// wrote on each (information_schema.innodb_trx), as README says.
			statement.execute("grant process on *.* to '" + APP_USER + "'@'127.0.0.1'");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create the users of the MariaDB shards", ex);
		}
		finally {
			server.stop();
		}
		return template;
	}

	/**
	 * Find a MariaDB executable on the PATH or in its Debian location, or fail saying how
	 * to get it.
	 */
	static String executable(String name, String debianDirectory) {
		String found = find(name, debianDirectory);
		if (found == null) {
			installDebianPackages();
			found = find(name, debianDirectory);
		}
		if (found == null) {
			throw new IllegalStateException("The MariaDB tests need '" + name + "' (Debian: "
					+ "apt-get install mariadb-server-core mariadb-client-core)");
		}
		return found;
	}

	/**
	 * Install Debian's MariaDB server binaries, once per test run, so that README's test
	 * command works on a fresh machine: as root with apt-get, as {@code .ci/run} does.
	 */
	private static synchronized void installDebianPackages() {
		if (installAttempted) {
			return;
		}
		installAttempted = true;
		if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
			return;
		}
		for (List<String> command : List.of(List.of("apt-get", "update", "-q"), List.of("apt-get", "install", "-y",
				"-q", "--no-install-recommends", "mariadb-server-core", "mariadb-client-core"))) {
			try {
				ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD);
				builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
				Process process = builder.start();
				if (!process.waitFor(10, TimeUnit.MINUTES)) {
					process.destroyForcibly();
					return;
				}
			}
			catch (IOException ex) {
				return;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static String find(String name, String debianDirectory) {
		List<Path> candidates = new ArrayList<>();
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			candidates.add(Path.of(directory, name));
		}
		candidates.add(Path.of(debianDirectory, name));
		return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString).orElse(null);
	}

	private static void run(List<String> command, Path log) {
		try {
			Files.createDirectories(log.getParent());
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException(command.get(0) + " failed: " + Files.readString(log));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
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
	 * Stops the servers when the whole test run ends, after Spring Boot's shutdown hook
	 * has closed the cached application contexts (see
	 * {@link EmbeddedPostgresShards.StopAfterAllTests}); add it to every test class that
	 * uses them.
	 */
	static final class StopAfterAllTests implements BeforeAllCallback {

		private static final Runnable CLOSE = () -> {
			MariaDbShards running = instance;
			if (running != null) {
				running.close();
			}
		};

		@Override
		public void beforeAll(ExtensionContext context) {
			SpringApplication.getShutdownHandlers().add(CLOSE);
		}

	}

	private static final class Server {

		private final String shard;

		private final int port;

		private final Path directory;

		private Process process;

		Server(String shard, int port) {
			this(shard, port, ROOT.resolve(shard));
		}

		Server(String shard, int port, Path directory) {
			this.shard = shard;
			this.port = port;
			this.directory = directory;
		}

		synchronized void init(Path template) {
			try {
				FileSystemUtils.copyRecursively(template, this.directory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			start();
		}

		String socket() {
			return this.directory.resolve("mariadb.sock").toString();
		}

		synchronized void start() {
			if (this.process != null) {
				return;
			}
			List<String> command = List.of(executable("mariadbd", "/usr/sbin"), "--no-defaults",
					"--datadir=" + this.directory, "--port=" + this.port, "--bind-address=127.0.0.1",
					"--socket=" + socket(), "--pid-file=" + this.directory.resolve("mariadb.pid"),
					"--user=" + System.getProperty("user.name"), "--skip-name-resolve", "--skip-log-bin",
					"--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M", "--innodb-flush-log-at-trx-commit=2",
					"--max-connections=100", "--performance-schema=ON",
					"--performance-schema-consumer-events-statements-current=ON",
					"--performance-schema-consumer-events-statements-history-long=ON",
					"--performance-schema-events-statements-history-long-size=20000");
			try {
				this.process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("server.log").toFile()))
					.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot start MariaDB for shard " + this.shard, ex);
			}
			awaitConnections();
		}

		private void awaitConnections() {
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (true) {
				try (java.net.Socket probe = new java.net.Socket("127.0.0.1", this.port)) {
					return;
				}
				catch (IOException ex) {
					if (!this.process.isAlive() || System.nanoTime() > deadline) {
						throw new IllegalStateException("MariaDB of shard " + this.shard + " did not start: "
								+ readLog(), ex);
					}
					try {
						Thread.sleep(50);
					}
					catch (InterruptedException interrupted) {
						Thread.currentThread().interrupt();
						throw new IllegalStateException(interrupted);
					}
				}
			}
		}

		private String readLog() {
			try {
				return Files.readString(this.directory.resolve("server.log"));
			}
			catch (IOException ex) {
				return "(no log: " + ex + ")";
			}
		}

		synchronized void stop() {
			if (this.process != null) {
				this.process.destroy();
				try {
					if (!this.process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
						this.process.destroyForcibly().waitFor();
					}
				}
				catch (InterruptedException ex) {
					this.process.destroyForcibly();
					Thread.currentThread().interrupt();
				}
				this.process = null;
			}
		}

		String url(String database) {
			return "jdbc:mariadb://127.0.0.1:" + this.port + "/" + database;
		}

		synchronized void createDatabase(String database) {
			try (Connection connection = DriverManager.getConnection(url(""), "root", "");
					Statement statement = connection.createStatement()) {
				statement.execute("create database if not exists " + database + " character set utf8mb4 collate "
						+ COLLATION);
				statement.execute("grant all on " + database + ".* to '" + APP_USER + "'@'127.0.0.1'");
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot create database " + database + " on " + this.shard, ex);
			}
		}

	}

}
