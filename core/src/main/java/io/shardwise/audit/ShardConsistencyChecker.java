package io.shardwise.audit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.shardwise.id.ShardIds;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardRouter;
import io.shardwise.routing.ShardRoutingException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.util.Assert;

/**
 * Audits a sharded database: reads every row of the described tables directly from each
 * shard's own DataSource (no routing, no ORM) and reports, per table and shard, how many
 * rows there are and which rows break the sharding rules:
 * <ul>
 * <li>a row whose shard key maps to another shard, or to none;
 * <li>an id stored on more than one shard;
 * <li>a Shardwise id that names another shard than the one its row is on (if asked);
 * <li>a child row whose parent is on another shard, or on none.
 * </ul>
 *
 * <pre class="code">
 * ConsistencyReport report = new ShardConsistencyChecker(router).check(List.of(
 *         ShardedTable.keyedBy("weather_locations", "id", "continent").withShardwiseIds(),
 *         ShardedTable.childOf("weather_reports", "id", "location_id", "weather_locations")));
 * if (!report.isConsistent()) { ... }
 * </pre>
 *
 * <p>Shards are read one after the other, each in a read-only transaction of its own;
 * there is no snapshot across shards, so rows written while the check runs may be
 * reported (a child written after its parent's table was read shows as orphaned). Run it
 * while writes are paused, or run it again to confirm a finding. It keeps the id (and, for
 * parent tables, the shard) of every row in memory to find duplicates across shards:
 * fine for millions of rows, not for billions.
 */
public class ShardConsistencyChecker {

	/** The most problems a report lists; all are counted. */
	public static final int MAX_LISTED_PROBLEMS = 1000;

	private static final int FETCH_SIZE = 1000;

	private final ShardRouter router;

	/**
	 * Create a checker.
	 * @param router the router whose shards and strategies define where rows belong
	 */
	public ShardConsistencyChecker(ShardRouter router) {
		this.router = router;
	}

	/**
	 * Check the given tables on every shard. Parent tables are read before their
	 * children, whatever the order given.
	 * @param tables the tables; the parent of each child table must be among them
	 * @return the report
	 * @throws DataAccessResourceFailureException if a shard cannot be read
	 */
	public ConsistencyReport check(List<ShardedTable> tables) {
		Map<String, ShardedTable> byName = new LinkedHashMap<>();
		tables.forEach((table) -> byName.put(table.name(), table));
		tables.stream()
			.filter(ShardedTable::isChild)
			.forEach((child) -> Assert.isTrue(byName.containsKey(child.parentTable()),
					() -> "Parent table '" + child.parentTable() + "' of '" + child.name() + "' is not described"));
		Run run = new Run();
		tables.stream().filter((table) -> !table.isChild()).forEach((table) -> scan(table, run));
		tables.stream().filter(ShardedTable::isChild).forEach((table) -> scan(table, run));
		Map<String, Map<String, Long>> ordered = new LinkedHashMap<>();
		tables.forEach((table) -> ordered.put(table.name(), run.rowCounts.get(table.name())));
		return new ConsistencyReport(ordered, run.problems, run.problemCounts);
	}

	private void scan(ShardedTable table, Run run) {
		Map<Object, Shard> shardOfId = new HashMap<>();
		run.shardOfId.put(table.name(), shardOfId);
		Map<String, Long> counts = new LinkedHashMap<>();
		run.rowCounts.put(table.name(), counts);
		Map<Object, Shard> parents = table.isChild() ? run.shardOfId.get(table.parentTable()) : null;
		String sql = "select " + table.idColumn() + ", "
				+ (table.isChild() ? table.parentColumn() : table.keyColumn()) + " from " + table.name();
		for (Shard shard : this.router.shards().all()) {
			long rows = 0;
			try (Connection connection = shard.dataSource().getConnection()) {
				boolean autoCommit = connection.getAutoCommit();
				// Without auto-commit, drivers such as PostgreSQL's stream rows by fetch size.
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					statement.setFetchSize(FETCH_SIZE);
					try (ResultSet result = statement.executeQuery(sql)) {
						while (result.next()) {
							rows++;
							Object id = result.getObject(1);
							Object reference = result.getObject(2);
							checkId(table, shard, id, shardOfId, run);
							if (parents != null) {
								checkParent(table, shard, id, reference, parents, run);
							}
							else {
								checkKey(table, shard, id, reference, run);
							}
						}
					}
				}
				finally {
					connection.rollback();
					connection.setAutoCommit(autoCommit);
				}
			}
			catch (SQLException ex) {
				throw new DataAccessResourceFailureException(
						"Cannot read table '" + table.name() + "' on shard '" + shard.id() + "': " + ex.getMessage(), ex);
			}
			counts.put(shard.id(), rows);
		}
	}

	private void checkId(ShardedTable table, Shard shard, Object id, Map<Object, Shard> shardOfId, Run run) {
		Shard first = shardOfId.putIfAbsent(id, shard);
		if (first != null) {
			run.report(new ConsistencyProblem(ConsistencyProblem.Kind.DUPLICATE_ID, table.name(), shard.id(), id,
					"id also stored on shard '" + first.id() + "'"));
		}
		if (table.shardwiseIds() && id instanceof Number number) {
			long value = number.longValue();
			int index = ShardIds.shardIndexOf(value);
			int bucket = ShardIds.bucketOf(value);
			// An id of the bucket layout names its bucket, whose owner is in the current map.
			Shard named = this.router.shardOfId(value);
			if ((index >= 0 || bucket >= 0) && (named == null || !named.id().equals(shard.id()))) {
				String name = (named != null) ? "shard '" + named.id() + "'"
						: ((index >= 0) ? "shard #" + index : "bucket " + bucket + " of no shard");
				run.report(new ConsistencyProblem(ConsistencyProblem.Kind.ID_NAMES_OTHER_SHARD, table.name(),
						shard.id(), id, "id names " + name));
			}
		}
	}

	private void checkKey(ShardedTable table, Shard shard, Object id, Object key, Run run) {
		Shard expected;
		try {
			expected = this.router.shardFor(table.strategy(), key);
		}
		catch (ShardRoutingException ex) {
			run.report(new ConsistencyProblem(ConsistencyProblem.Kind.UNROUTABLE_KEY, table.name(), shard.id(), id,
					ex.getMessage()));
			return;
		}
		if (!expected.id().equals(shard.id())) {
			run.report(new ConsistencyProblem(ConsistencyProblem.Kind.MISPLACED_ROW, table.name(), shard.id(), id,
					"key [" + key + "] belongs on shard '" + expected.id() + "'"));
		}
	}

	private void checkParent(ShardedTable table, Shard shard, Object id, Object parentId, Map<Object, Shard> parents,
			Run run) {
		Shard parentShard = (parentId != null) ? parents.get(parentId) : null;
		if (parentShard == null) {
			run.report(new ConsistencyProblem(ConsistencyProblem.Kind.ORPHANED_CHILD, table.name(), shard.id(), id,
					"parent " + table.parentTable() + "[" + parentId + "] exists on no shard"));
		}
		else if (!parentShard.id().equals(shard.id())) {
			run.report(new ConsistencyProblem(ConsistencyProblem.Kind.CHILD_AWAY_FROM_PARENT, table.name(), shard.id(),
					id, "parent " + table.parentTable() + "[" + parentId + "] is on shard '" + parentShard.id() + "'"));
		}
	}

	/**
	 * State of one check.
	 */
	private static final class Run {

		final Map<String, Map<Object, Shard>> shardOfId = new HashMap<>();

		final Map<String, Map<String, Long>> rowCounts = new HashMap<>();

		final List<ConsistencyProblem> problems = new ArrayList<>();

		final Map<ConsistencyProblem.Kind, Long> problemCounts = new EnumMap<>(ConsistencyProblem.Kind.class);

		void report(ConsistencyProblem problem) {
			this.problemCounts.merge(problem.kind(), 1L, Long::sum);
			if (this.problems.size() < MAX_LISTED_PROBLEMS) {
				this.problems.add(problem);
			}
		}

	}

}
