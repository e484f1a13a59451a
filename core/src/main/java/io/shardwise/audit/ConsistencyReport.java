package io.shardwise.audit;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ShardConsistencyChecker} run found: rows per table and shard, and the
 * rows that break the sharding rules (the first
 * {@value ShardConsistencyChecker#MAX_LISTED_PROBLEMS} are listed, all are counted).
 */
public final class ConsistencyReport {

	private final Map<String, Map<String, Long>> rowCounts;

	private final List<ConsistencyProblem> problems;

	private final Map<ConsistencyProblem.Kind, Long> problemCounts;

	ConsistencyReport(Map<String, Map<String, Long>> rowCounts, List<ConsistencyProblem> problems,
			Map<ConsistencyProblem.Kind, Long> problemCounts) {
		this.rowCounts = Collections.unmodifiableMap(new LinkedHashMap<>(rowCounts));
		this.problems = List.copyOf(problems);
		this.problemCounts = Collections.unmodifiableMap(new EnumMap<>(problemCounts));
	}

	/**
	 * Return whether no rule was broken.
	 * @return whether the shards are consistent
	 */
	public boolean isConsistent() {
		return this.problemCounts.isEmpty();
	}

	/**
	 * Return the number of rows of each table on each shard, tables and shards in the
	 * order they were checked.
	 * @return row counts by table, then by shard id
	 */
	public Map<String, Map<String, Long>> getRowCounts() {
		return this.rowCounts;
	}

	/**
	 * Return the number of rows of a table across all shards.
	 * @param table a checked table
	 * @return the row count
	 */
	public long getRowCount(String table) {
		return this.rowCounts.getOrDefault(table, Map.of()).values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * Return the number of rows read.
	 * @return the rows checked
	 */
	public long getRowsChecked() {
		return this.rowCounts.keySet().stream().mapToLong(this::getRowCount).sum();
	}

	/**
	 * Return the problems found, at most
	 * {@value ShardConsistencyChecker#MAX_LISTED_PROBLEMS} of them.
	 * @return the listed problems
	 */
	public List<ConsistencyProblem> getProblems() {
		return this.problems;
	}

	/**
	 * Return the number of problems of each kind found, listed or not.
	 * @return problem counts by kind; empty if consistent
	 */
	public Map<ConsistencyProblem.Kind, Long> getProblemCounts() {
		return this.problemCounts;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder((isConsistent() ? "Consistent" : "INCONSISTENT") + ": "
				+ getRowsChecked() + " rows checked " + this.rowCounts);
		if (!isConsistent()) {
			text.append(", problems ").append(this.problemCounts);
			this.problems.stream().limit(10).forEach((problem) -> text.append("\n  ").append(problem));
		}
		return text.toString();
	}

}
