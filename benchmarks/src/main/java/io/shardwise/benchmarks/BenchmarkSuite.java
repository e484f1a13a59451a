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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs the whole benchmark suite with JMH and its GC profiler (allocation per
 * operation), then prints each Shardwise result next to its baseline with the ratio, its
 * error and whether the target is met, as a Markdown table ready for
 * {@code BENCHMARKS.md}.
 *
 * <p>Each benchmark runs in {@code --forks} separate JVMs (2 by default), one JMH run
 * per fork, and the forks of a pair's two sides alternate (A B, then B A), so that
 * background load that comes and goes during the run falls on both sides alike. A
 * result pools the measured iterations of all its forks.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--forks N] [--include REGEX] [--prof PROFILER]
 *     [--out FILE] [--verbose]
 * </pre>
 *
 * {@code --quick} runs one fork with short iterations, for development only: its errors
 * are meaningless. {@code --include} selects benchmarks by regular expression (for
 * example {@code Breakdown}, which is not in the default suite, or {@code FanOut}, only the
 * fan-out pairs of issue 3). {@code --prof} adds a
 * JMH profiler, e.g. {@code stack} or {@code jfr}. {@code --out} also writes the report
 * to a file; {@code --verbose} shows JMH's own output.
 * For anything else, JMH's own command line is in the same jar:
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main -h}.
 */
public final class BenchmarkSuite {

	private static final String PACKAGE = "io.shardwise.benchmarks.";

	/** The suite: every benchmark class the issue asks for (not the breakdowns). */
	private static final String SUITE = "io\\.shardwise\\.benchmarks\\."
			+ "(JdbcRoutingBenchmark|JpaRoutingBenchmark|RoutedWriteBenchmark|IdGenerationBenchmark|StartupBenchmark"
			+ "|FanOutQueryBenchmark|FanOutLatencyBenchmark|SmallFanOutBenchmark|PairedBenchmark)\\.";

	/**
	 * Benchmarks that run in one fork per side when the whole suite runs (no
	 * {@code --include}), to keep the suite under 10 minutes on 2 cores: each fork of
	 * theirs loads the shards and copies them into the unsharded database first. With
	 * {@code --include FanOut} they get {@code --forks} forks like any other.
	 */
	private static final Pattern ONE_FORK_IN_SUITE = Pattern.compile("\\.(\\w*FanOut\\w*|Paired)Benchmark\\.");

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
					"IdGenerationBenchmark.oneThread", Double.NaN),
			new Comparison("6a. Fan-out top-100 by temperature (`queryOrdered` vs `JdbcTemplate`)",
					"FanOutQueryBenchmark.shardwiseTop100", "FanOutQueryBenchmark.unshardedTop100", 2.0),
			new Comparison("6b. Page 500 of 20 by id: keyset `Window` vs unsharded `OFFSET 10000`",
					"FanOutQueryBenchmark.shardwiseKeysetPage500", "FanOutQueryBenchmark.unshardedOffsetPage500",
					0.5),
			new Comparison("6b'. Page 500 of 20 by id: Shardwise OFFSET rewrite (`Slice`) vs unsharded",
					"FanOutQueryBenchmark.shardwiseOffsetPage500", "FanOutQueryBenchmark.unshardedOffsetPage500",
					Double.NaN),
			new Comparison("6c. GROUP BY continent, COUNT + AVG (`aggregate` vs `JdbcTemplate`)",
					"FanOutQueryBenchmark.shardwiseGroupBy", "FanOutQueryBenchmark.unshardedGroupBy", 0.8),
			new Comparison("7a. Keyset page of 20, JDBC (`queryOrdered` vs `JdbcTemplate`)",
					"SmallFanOutBenchmark.shardwiseJdbcKeysetPage", "SmallFanOutBenchmark.unshardedJdbcKeysetPage", 0.25),
			new Comparison("7b. Keyset `Window` of 20, JPA",
					"SmallFanOutBenchmark.shardwiseJpaKeysetWindow", "SmallFanOutBenchmark.unshardedJpaKeysetWindow", 0.5),
			new Comparison("7c. Scatter by id, JDBC (`queryForOptional` vs `JdbcTemplate`)",
					"SmallFanOutBenchmark.shardwiseJdbcFindById", "SmallFanOutBenchmark.unshardedJdbcFindById", 0.25),
			new Comparison("7d. Scatter by a non-Shardwise id, JPA `findById`",
					"SmallFanOutBenchmark.shardwiseJpaFindById", "SmallFanOutBenchmark.unshardedJpaFindById", 0.5),
			new Comparison("7e. Single result, JPA `findByCity`",
					"SmallFanOutBenchmark.shardwiseJpaFindByCity", "SmallFanOutBenchmark.unshardedJpaFindByCity", 0.5),
			new Comparison("7f. Count, JPA `countByCity`",
					"SmallFanOutBenchmark.shardwiseJpaCountByCity", "SmallFanOutBenchmark.unshardedJpaCountByCity", 0.5),
			new Comparison("7g. Exists, JPA `existsByCity`",
					"SmallFanOutBenchmark.shardwiseJpaExistsByCity", "SmallFanOutBenchmark.unshardedJpaExistsByCity", 0.5),
			new Comparison("8a. `OFFSET 10000 LIMIT 20`, JDBC",
					"SmallFanOutBenchmark.shardwiseJdbcOffsetPage", "SmallFanOutBenchmark.unshardedJdbcOffsetPage", 0.5),
			new Comparison("8b. `Page` 500 of 20 with total, JPA",
					"SmallFanOutBenchmark.shardwiseJpaDeepPage", "SmallFanOutBenchmark.unshardedJpaDeepPage", 0.5),
			new Comparison("6d. 2 ms per statement: 4-shard fan-out vs 1 shard (latency ratio)",
					"FanOutLatencyBenchmark.shardwiseFourShards", "FanOutLatencyBenchmark.shardwiseOneShard", 1.3,
					true));

	/**
	 * The pairs measured call after call in one JVM ({@link PairedBenchmark}): method name,
	 * label, target of baseline time / Shardwise time.
	 */
	private static final List<Paired> PAIRED = List.of(
			new Paired("jdbcKeyedRead", "1. JDBC keyed point read (`JdbcTemplate` in a `@ShardKey` bean)", 0.95),
			new Paired("jpaKeyedFinder", "2a. JPA keyed `findByContinentAndCity(@ShardKey ..)`", 0.95),
			new Paired("jpaFindById", "2b. JPA `findById` with a Shardwise id", 0.95),
			new Paired("jdbcKeysetPage", "7a. Keyset page of 20, JDBC", 0.25),
			new Paired("jpaKeysetWindow", "7b. Keyset `Window` of 20, JPA", 0.5),
			new Paired("jdbcScatterById", "7c. Scatter by id, JDBC (`queryForOptional`)", 0.25),
			new Paired("jpaScatterById", "7d. Scatter by a non-Shardwise id, JPA `findById`", 0.5),
			new Paired("jpaSingleResult", "7e. Single result, JPA `findByCity`", 0.5),
			new Paired("jpaCount", "7f. Count, JPA `countByCity`", 0.5),
			new Paired("jpaExists", "7g. Exists, JPA `existsByCity`", 0.5),
			new Paired("jdbcOffsetPage", "8a. `OFFSET 10000 LIMIT 20`, JDBC", 0.5),
			new Paired("jpaDeepPage", "8b. `Page` 500 of 20 with total, JPA `findAll(Pageable)`", 0.5),
			new Paired("jpaFanOutInTransaction",
					"9. Fan-out `findByCity` inside a read-only transaction vs outside one (unit of work)", Double.NaN));

	private BenchmarkSuite() {
	}

	public static void main(String[] args) throws RunnerException, IOException {
		List<String> includes = new ArrayList<>();
		List<String> profilers = new ArrayList<>();
		Path out = null;
		boolean quickRun = false;
		boolean verbose = false;
		int forks = 2;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quickRun = true;
				case "--verbose" -> verbose = true;
				case "--forks" -> forks = Integer.parseInt(args[++i]);
				case "--include" -> includes.add(args[++i]);
				case "--prof" -> profilers.add(args[++i]);
				case "--out" -> out = Path.of(args[++i]);
				default -> {
					System.err.println("Usage: java -jar benchmarks.jar [--quick] [--forks N] [--include REGEX]"
							+ " [--prof PROFILER] [--out FILE] [--verbose]");
					System.exit(2);
				}
			}
		}
		boolean quick = quickRun;
		if (quick) {
			forks = 1;
		}
		List<List<String>> benchmarks = select(includes);
		Machine before = Machine.now();
		Instant start = Instant.now();
		Map<String, List<RunResult>> results = new LinkedHashMap<>();
		int suiteForks = forks;
		java.util.function.ToIntFunction<String> forksOf = (benchmark) -> (includes.isEmpty() && !quick
				&& ONE_FORK_IN_SUITE.matcher(benchmark).find()) ? Math.min(1, suiteForks) : suiteForks;
		int runs = benchmarks.stream().flatMap(List::stream).mapToInt(forksOf).sum();
		int run = 0;
		for (int round = 0; round < forks; round++) {
			for (String benchmark : inRoundOrder(benchmarks, round)) {
				if (round >= forksOf.applyAsInt(benchmark)) {
					continue;
				}
				ChainedOptionsBuilder options = new OptionsBuilder().include("^" + Pattern.quote(benchmark) + "$")
					.forks(1)
					.addProfiler(GCProfiler.class)
					.shouldFailOnError(true)
					.verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
				profilers.forEach(options::addProfiler);
				if (quick) {
					options.warmupIterations(1)
						.warmupTime(TimeValue.milliseconds(500))
						.measurementIterations(2)
						.measurementTime(TimeValue.milliseconds(500));
				}
				for (RunResult result : new Runner(options.build()).run()) {
					results.computeIfAbsent(benchmark, (key) -> new ArrayList<>()).add(result);
					System.out.printf(Locale.ROOT, "[%d/%d, %s] %s: %s%n", ++run, runs,
							formatDuration(Duration.between(start, Instant.now())), shortName(benchmark),
							score(Summary.of(List.of(result))));
				}
			}
		}
		Duration wallTime = Duration.between(start, Instant.now());
		Map<String, Summary> summaries = new LinkedHashMap<>();
		results.forEach((benchmark, forkResults) -> summaries.put(shortName(benchmark), Summary.of(forkResults)));
		String report = report(summaries, before, Machine.now(), wallTime, quick, forks);
		System.out.println();
		System.out.println(report);
		if (out != null) {
			Files.writeString(out, report, StandardCharsets.UTF_8);
		}
	}

	/**
	 * Return the benchmarks to run, the suite's or those matching the given patterns, in
	 * groups: the two sides of a pair form one group.
	 */
	private static List<List<String>> select(List<String> includes) {
		List<String> patterns = includes.isEmpty() ? List.of(SUITE) : includes;
		// The OFFSET rewrite (about 20 ops/s) only illustrates 6b; it runs with --include FanOut.
		List<String> excludes = includes.isEmpty() ? List.of("FanOutQueryBenchmark\\.shardwiseOffsetPage500")
				: List.of();
		List<String> selected = new ArrayList<>();
		for (BenchmarkListEntry entry : BenchmarkList.defaultList()
			.find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), patterns, excludes)) {
			if (!selected.contains(entry.getUsername())) {
				selected.add(entry.getUsername());
			}
		}
		List<List<String>> groups = new ArrayList<>();
		for (Comparison comparison : COMPARISONS) {
			List<String> group = new ArrayList<>();
			for (String name : List.of(PACKAGE + comparison.subject, PACKAGE + comparison.reference)) {
				if (selected.remove(name)) {
					group.add(name);
				}
			}
			if (!group.isEmpty()) {
				groups.add(group);
			}
		}
		selected.forEach((name) -> groups.add(List.of(name)));
		return groups;
	}

	/**
	 * Return the order of one round: each pair's sides alternate from round to round, so
	 * that a change in background load during the run falls on both sides alike.
	 */
	private static List<String> inRoundOrder(List<List<String>> groups, int round) {
		List<String> ordered = new ArrayList<>();
		for (List<String> group : groups) {
			List<String> sides = new ArrayList<>(group);
			if (round % 2 == 1) {
				Collections.reverse(sides);
			}
			ordered.addAll(sides);
		}
		return ordered;
	}

	private static String shortName(String benchmark) {
		return benchmark.startsWith(PACKAGE) ? benchmark.substring(PACKAGE.length()) : benchmark;
	}

	private static String formatDuration(Duration duration) {
		return String.format(Locale.ROOT, "%d:%02d", duration.toMinutes(), duration.toSecondsPart());
	}

	static String report(Map<String, Summary> byName, Machine before, Machine after, Duration wallTime, boolean quick,
			int forks) {
		var text = new java.io.ByteArrayOutputStream();
		PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
		out.printf("Date: %s, wall time of the suite: %s%s%n",
				DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(before.time.atOffset(ZoneOffset.UTC).withNano(0))
						+ " UTC",
				formatDuration(wallTime), quick ? " (--quick: errors are not meaningful)" : "");
		out.printf("JDK: %s %s (%s)%n", System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
				System.getProperty("java.vm.vendor"));
		out.printf("Machine: %d cores, %s; load average (1 / 5 / 15 min) %s before, %s after%n%n", before.cores,
				before.cpu, before.load, after.load);
		out.printf("%d fork(s) per benchmark (the fan-out pairs: 1 in a whole-suite run), the two sides of each pair run alternately. Speed ratio = Shardwise "
				+ "throughput / baseline throughput (for startup: baseline time / Shardwise time); 1.00 means as "
				+ "fast as the baseline; rows marked \"latency ratio\" are Shardwise time / reference time, "
				+ "lower is better. Errors are 99.9%% confidence half-widths over all measured iterations; a "
				+ "ratio's error combines both sides' relative errors.%n%n", forks);
		out.println("| Benchmark | Shardwise | Baseline | Speed ratio | Target | Met | Alloc B/op Shardwise | "
				+ "Alloc B/op baseline | Extra B/op |");
		out.println("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
		for (Comparison comparison : COMPARISONS) {
			Summary s = byName.get(comparison.subject);
			Summary r = byName.get(comparison.reference);
			if (s == null || r == null) {
				continue;
			}
			boolean timed = s.unit.contains("/op");
			double ratio = (timed != comparison.latency) ? r.mean / s.mean : s.mean / r.mean;
			double ratioError = ratio * Math.hypot(s.relativeError(), r.relativeError());
			out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", comparison.label, score(s), score(r),
					withError(ratio, ratioError, "%.3f"), Double.isNaN(comparison.target) ? "—"
							: String.format(Locale.ROOT, "%s %.2f", comparison.latency ? "≤" : "≥", comparison.target),
					comparison.latency ? verdict(-ratio, ratioError, -comparison.target)
							: verdict(ratio, ratioError, comparison.target),
					number(s.allocation), number(r.allocation),
					number(s.allocation - r.allocation));
		}
		boolean anyPaired = PAIRED.stream().anyMatch((pair) -> byName.containsKey("PairedBenchmark." + pair.method()));
		if (anyPaired) {
			out.println();
			out.println("Paired in one JVM, call after call (`PairedBenchmark`): speed ratio = baseline time / "
					+ "Shardwise time, mean of the measured iterations with its 99.9% half-width; added = "
					+ "(Shardwise time - baseline time) per call.");
			out.println();
			out.println("| Pair | Speed ratio | Target | Met | Shardwise µs/call | Baseline µs/call | Added µs/call |");
			out.println("| --- | ---: | ---: | --- | ---: | ---: | ---: |");
			for (Paired pair : PAIRED) {
				Summary summary = byName.get("PairedBenchmark." + pair.method());
				if (summary == null || summary.paired() == null) {
					continue;
				}
				PairedTimes times = summary.paired();
				out.printf("| %s | %s | %s | %s | %.2f | %.2f | %.2f |%n", pair.label(),
						withError(times.ratio(), times.ratioError(), "%.3f"),
						Double.isNaN(pair.target()) ? "—" : String.format(Locale.ROOT, "≥ %.2f", pair.target()),
						verdict(times.ratio(), times.ratioError(), pair.target()), times.shardwiseMicros(),
						times.baselineMicros(), times.shardwiseMicros() - times.baselineMicros());
			}
		}
		out.println();
		out.println("All results:");
		out.println();
		out.println("| Benchmark | Score | Relative error | Samples | Alloc B/op |");
		out.println("| --- | ---: | ---: | ---: | ---: |");
		byName.forEach((name, summary) -> out.printf("| %s | %s | %s | %d | %s |%n", name, score(summary),
				Double.isNaN(summary.error) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * summary.relativeError()),
				summary.samples, number(summary.allocation)));
		return text.toString(StandardCharsets.UTF_8);
	}

	private static String score(Summary summary) {
		String pattern = (summary.mean >= 100) ? "%,.0f" : "%.1f";
		return withError(summary.mean, summary.error, pattern) + " " + summary.unit;
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

	/**
	 * A pair: Shardwise first, its reference second.
	 * @param latency whether the ratio is subject time / reference time and the target
	 * an upper bound (otherwise a speed ratio with a lower bound)
	 */
	private record Comparison(String label, String subject, String reference, double target, boolean latency) {

		Comparison(String label, String subject, String reference, double target) {
			this(label, subject, reference, target, false);
		}

	}

	/** A pair of {@link PairedBenchmark}. */
	private record Paired(String method, String label, double target) {
	}

	/**
	 * The two sides' times of a paired benchmark: the per-iteration ratio's mean and
	 * error, and each side's mean time per call.
	 */
	record PairedTimes(double ratio, double ratioError, double shardwiseMicros, double baselineMicros) {

		static PairedTimes of(List<RunResult> forks) {
			ListStatistics ratios = new ListStatistics();
			double shardwise = 0;
			double baseline = 0;
			double calls = 0;
			for (RunResult fork : forks) {
				for (BenchmarkResult benchmark : fork.getBenchmarkResults()) {
					for (IterationResult iteration : benchmark.getIterationResults()) {
						Result s = iteration.getSecondaryResults().get("shardwiseNanos");
						Result b = iteration.getSecondaryResults().get("baselineNanos");
						if (s == null || b == null || s.getScore() <= 0) {
							return null;
						}
						ratios.addValue(b.getScore() / s.getScore());
						shardwise += s.getScore();
						baseline += b.getScore();
						// Throughput in pairs per second times the iteration time: the number of calls.
						calls += iteration.getPrimaryResult().getScore()
								* iteration.getParams().getTime().convertTo(TimeUnit.MILLISECONDS) / 1000.0;
					}
				}
			}
			if (ratios.getN() == 0 || calls == 0) {
				return null;
			}
			double error = (ratios.getN() > 2) ? ratios.getMeanErrorAt(0.999) : Double.NaN;
			return new PairedTimes(ratios.getMean(), error, shardwise / calls / 1000, baseline / calls / 1000);
		}

	}

	/**
	 * One benchmark's result over all its forks: the mean of every measured iteration,
	 * its 99.9% confidence half-width, and the mean allocation per operation.
	 */
	record Summary(double mean, double error, String unit, int samples, double allocation, PairedTimes paired) {

		Summary(double mean, double error, String unit, int samples, double allocation) {
			this(mean, error, unit, samples, allocation, null);
		}

		static Summary of(List<RunResult> forks) {
			ListStatistics scores = new ListStatistics();
			double allocation = 0;
			int allocations = 0;
			String unit = null;
			for (RunResult fork : forks) {
				unit = fork.getPrimaryResult().getScoreUnit();
				for (BenchmarkResult benchmark : fork.getBenchmarkResults()) {
					for (IterationResult iteration : benchmark.getIterationResults()) {
						scores.addValue(iteration.getPrimaryResult().getScore());
					}
				}
				for (Map.Entry<String, Result> secondary : fork.getSecondaryResults().entrySet()) {
					if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
						allocation += secondary.getValue().getScore();
						allocations++;
					}
				}
			}
			double error = (scores.getN() > 2) ? scores.getMeanErrorAt(0.999) : Double.NaN;
			return new Summary(scores.getMean(), error, unit, (int) scores.getN(),
					(allocations > 0) ? allocation / allocations : Double.NaN, PairedTimes.of(forks));
		}

		double relativeError() {
			return Double.isNaN(this.error) ? 0 : this.error / this.mean;
		}

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
