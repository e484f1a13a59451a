package io.shardwise.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole benchmark suite with JMH and its GC profiler (allocation per
 * operation), then prints each Shardwise result next to its baseline with the ratio, its
 * error and whether the target is met, as a Markdown table ready for
 * {@code BENCHMARKS.md}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--include REGEX] [--prof PROFILER] [--out FILE]
 * </pre>
 *
 * {@code --quick} runs one fork with short iterations, for development only: its errors
 * are meaningless. {@code --prof} adds a JMH profiler, e.g. {@code stack} or {@code jfr}.
 * For anything else, JMH's own command line is in the same jar:
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main -h}.
 */
public final class BenchmarkSuite {

	private static final String PACKAGE = "io.shardwise.benchmarks.";

	/** The suite: every benchmark class the issue asks for (not the breakdowns). */
	private static final String SUITE = "io\\.shardwise\\.benchmarks\\."
			+ "(JdbcRoutingBenchmark|JpaRoutingBenchmark|RoutedWriteBenchmark|IdGenerationBenchmark|StartupBenchmark)\\.";

	/** The pairs the issue asks for: Shardwise first, its baseline second. */
	private static final List<Comparison> COMPARISONS = List.of(
			new Comparison("1. JDBC keyed point read (`JdbcTemplate`)", "JdbcRoutingBenchmark.shardwise",
					"JdbcRoutingBenchmark.baseline", 0.97),
			new Comparison("2a. JPA keyed `findByContinentAndCity(@ShardKey ..)`",
					"JpaRoutingBenchmark.shardwiseFindByKey", "JpaRoutingBenchmark.baselineFindByKey", 0.95),
			new Comparison("2b. JPA `findById`", "JpaRoutingBenchmark.shardwiseFindById",
					"JpaRoutingBenchmark.baselineFindById", 0.95),
			new Comparison("3. Routed write (1 location + 4 reports, 1 tx)", "RoutedWriteBenchmark.shardwise",
					"RoutedWriteBenchmark.baseline", 0.95),
			new Comparison("5. Startup: 4 shards vs 1 database", "StartupBenchmark.shardwiseFourShards",
					"StartupBenchmark.baselineOneDatabase", Double.NaN),
			new Comparison("4. Id generation: 2 threads vs 1 thread", "IdGenerationBenchmark.twoThreads",
					"IdGenerationBenchmark.oneThread", Double.NaN));

	private BenchmarkSuite() {
	}

	public static void main(String[] args) throws RunnerException, IOException {
		ChainedOptionsBuilder options = new OptionsBuilder().addProfiler(GCProfiler.class).shouldFailOnError(true);
		List<String> includes = new ArrayList<>();
		Path out = null;
		boolean quick = false;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--include" -> includes.add(args[++i]);
				case "--prof" -> options.addProfiler(args[++i]);
				case "--out" -> out = Path.of(args[++i]);
				default -> {
					System.err.println("Usage: java -jar benchmarks.jar [--quick] [--include REGEX] [--prof PROFILER]"
							+ " [--out FILE]");
					System.exit(2);
				}
			}
		}
		if (includes.isEmpty()) {
			includes.add(SUITE);
		}
		includes.forEach(options::include);
		if (quick) {
			options.forks(1)
				.warmupIterations(1)
				.warmupTime(TimeValue.milliseconds(500))
				.measurementIterations(2)
				.measurementTime(TimeValue.milliseconds(500));
		}
		Machine before = Machine.now();
		Instant start = Instant.now();
		Collection<RunResult> results = new Runner(options.build()).run();
		Duration wallTime = Duration.between(start, Instant.now());
		String report = report(results, before, Machine.now(), wallTime, quick);
		System.out.println();
		System.out.println(report);
		if (out != null) {
			Files.writeString(out, report, StandardCharsets.UTF_8);
		}
	}

	static String report(Collection<RunResult> runs, Machine before, Machine after, Duration wallTime, boolean quick) {
		Map<String, RunResult> byName = new LinkedHashMap<>();
		for (RunResult run : runs) {
			byName.put(run.getParams().getBenchmark().substring(PACKAGE.length()), run);
		}
		var text = new java.io.ByteArrayOutputStream();
		PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
		out.printf("Date: %s, wall time of the suite: %d min %02d s%s%n",
				DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(before.time.atOffset(ZoneOffset.UTC).withNano(0))
						+ " UTC",
				wallTime.toMinutes(), wallTime.toSecondsPart(), quick ? " (--quick: errors are not meaningful)" : "");
		out.printf("JDK: %s %s (%s)%n", System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
				System.getProperty("java.vm.vendor"));
		out.printf("Machine: %d cores, %s; load average %s before, %s after%n%n", before.cores, before.cpu,
				before.load, after.load);
		out.println("Speed ratio = Shardwise throughput / baseline throughput (for startup: baseline time / "
				+ "Shardwise time); 1.00 means as fast as the baseline. Errors are JMH's 99.9% confidence "
				+ "half-widths; a ratio's error combines both sides' relative errors.");
		out.println();
		out.println("| Benchmark | Shardwise | Baseline | Speed ratio | Target | Met | Alloc B/op Shardwise | "
				+ "Alloc B/op baseline | Extra B/op |");
		out.println("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
		for (Comparison comparison : COMPARISONS) {
			RunResult subject = byName.get(comparison.subject);
			RunResult reference = byName.get(comparison.reference);
			if (subject == null || reference == null) {
				continue;
			}
			Result<?> s = subject.getPrimaryResult();
			Result<?> r = reference.getPrimaryResult();
			boolean timed = s.getScoreUnit().contains("/op");
			double ratio = timed ? r.getScore() / s.getScore() : s.getScore() / r.getScore();
			double ratioError = ratio * Math.hypot(relative(s), relative(r));
			double allocS = allocation(subject);
			double allocR = allocation(reference);
			out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", comparison.label, score(s), score(r),
					withError(ratio, ratioError, "%.3f"), Double.isNaN(comparison.target) ? "—"
							: String.format(Locale.ROOT, "≥ %.2f", comparison.target),
					verdict(ratio, ratioError, comparison.target), number(allocS), number(allocR),
					number(allocS - allocR));
		}
		out.println();
		out.println("All results:");
		out.println();
		out.println("| Benchmark | Score | Unit | Relative error | Alloc B/op |");
		out.println("| --- | ---: | --- | ---: | ---: |");
		byName.forEach((name, run) -> {
			Result<?> primary = run.getPrimaryResult();
			out.printf("| %s | %s | %s | %s | %s |%n", name, score(primary), primary.getScoreUnit(),
					Double.isNaN(primary.getScoreError()) ? "n/a"
							: String.format(Locale.ROOT, "%.1f %%", 100 * relative(primary)),
					number(allocation(run)));
		});
		return text.toString(StandardCharsets.UTF_8);
	}

	private static double relative(Result<?> result) {
		double error = result.getScoreError();
		return Double.isNaN(error) ? 0 : error / result.getScore();
	}

	private static double allocation(RunResult run) {
		for (Map.Entry<String, Result> entry : run.getSecondaryResults().entrySet()) {
			if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
				return entry.getValue().getScore();
			}
		}
		return Double.NaN;
	}

	private static String score(Result<?> result) {
		String pattern = (result.getScore() >= 100) ? "%,.0f" : "%.1f";
		return withError(result.getScore(), result.getScoreError(), pattern) + " " + result.getScoreUnit();
	}

	private static String withError(double value, double error, String pattern) {
		String text = String.format(Locale.ROOT, pattern, value);
		return Double.isNaN(error) ? text : text + " ± " + String.format(Locale.ROOT, pattern, error);
	}

	private static String number(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String verdict(double ratio, double error, double target) {
		if (Double.isNaN(target)) {
			return "—";
		}
		if (ratio - error >= target) {
			return "yes";
		}
		if (ratio >= target) {
			return "yes (within error)";
		}
		if (ratio + error >= target) {
			return "no (within error)";
		}
		return "**no**";
	}

	private record Comparison(String label, String subject, String reference, double target) {
	}

	/**
	 * What the machine looked like at a moment: its cores, CPU and load.
	 */
	record Machine(Instant time, int cores, String cpu, String load) {

		static Machine now() {
			return new Machine(Instant.now(), Runtime.getRuntime().availableProcessors(), cpuModel(), loadAverage());
		}

		private static String cpuModel() {
			try {
				return Files.readAllLines(Path.of("/proc/cpuinfo"))
					.stream()
					.filter((line) -> line.startsWith("model name"))
					.map((line) -> line.substring(line.indexOf(':') + 1).trim())
					.findFirst()
					.orElse(System.getProperty("os.arch"));
			}
			catch (IOException ex) {
				return System.getProperty("os.arch");
			}
		}

		private static String loadAverage() {
			try {
				String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
				return fields[0] + " / " + fields[1] + " / " + fields[2];
			}
			catch (IOException ex) {
				return "unknown";
			}
		}

	}

}
