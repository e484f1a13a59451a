package io.shardwise.audit;

import java.util.regex.Pattern;

import org.springframework.util.Assert;

/**
 * How one table is sharded, for {@link ShardConsistencyChecker}: either by a shard key
 * column of its own, or by following its parent table through a foreign key.
 *
 * <pre class="code">
 * ShardedTable locations = ShardedTable.keyedBy("weather_locations", "id", "continent").withShardwiseIds();
 * ShardedTable reports = ShardedTable.childOf("weather_reports", "id", "location_id", "weather_locations");
 * </pre>
 *
 * Table and column names are SQL identifiers (optionally schema-qualified), checked
 * when the description is created since identifiers cannot be bound as parameters.
 *
 * @param name the table name
 * @param idColumn the primary key column
 * @param keyColumn the shard key column, or {@code null} for a child table
 * @param strategy the strategy that maps the key column, empty for the default
 * @param parentColumn the foreign key column of a child table, or {@code null}
 * @param parentTable the parent table of a child table, or {@code null}
 * @param shardwiseIds whether ids are {@code @ShardwiseId} values, which must name the
 * shard their row is on
 */
public record ShardedTable(String name, String idColumn, String keyColumn, String strategy, String parentColumn,
		String parentTable, boolean shardwiseIds) {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

	public ShardedTable {
		requireIdentifier(name, "table name");
		requireIdentifier(idColumn, "id column");
		Assert.isTrue((keyColumn == null) != (parentColumn == null),
				"A sharded table has either a shard key column or a parent, not both");
		if (keyColumn != null) {
			requireIdentifier(keyColumn, "shard key column");
		}
		else {
			requireIdentifier(parentColumn, "parent column");
			requireIdentifier(parentTable, "parent table");
		}
		strategy = (strategy != null) ? strategy : "";
	}

	/**
	 * Describe a table whose rows are placed by a shard key column of their own, mapped
	 * by the default strategy.
	 * @param name the table name
	 * @param idColumn the primary key column
	 * @param keyColumn the shard key column
	 * @return the description
	 */
	public static ShardedTable keyedBy(String name, String idColumn, String keyColumn) {
		return new ShardedTable(name, idColumn, keyColumn, "", null, null, false);
	}

	/**
	 * Describe a table whose rows live on the shard of their parent row.
	 * @param name the table name
	 * @param idColumn the primary key column
	 * @param parentColumn the foreign key column that references the parent's id
	 * @param parentTable the parent table, described to the same check
	 * @return the description
	 */
	public static ShardedTable childOf(String name, String idColumn, String parentColumn, String parentTable) {
		return new ShardedTable(name, idColumn, null, "", parentColumn, parentTable, false);
	}

	/**
	 * Return a copy that maps its key column with the named strategy.
	 * @param strategy a strategy name
	 * @return the description
	 */
	public ShardedTable withStrategy(String strategy) {
		return new ShardedTable(this.name, this.idColumn, this.keyColumn, strategy, this.parentColumn,
				this.parentTable, this.shardwiseIds);
	}

	/**
	 * Return a copy whose ids are also checked to name the shard their row is on, as
	 * {@code @ShardwiseId} values do ({@code findById} trusts them). Ids that are not
	 * Shardwise ids (imported, legacy) are not checked.
	 * @return the description
	 */
	public ShardedTable withShardwiseIds() {
		return new ShardedTable(this.name, this.idColumn, this.keyColumn, this.strategy, this.parentColumn,
				this.parentTable, true);
	}

	/**
	 * Return whether rows of this table live on the shard of their parent row.
	 * @return whether it is a child table
	 */
	public boolean isChild() {
		return this.parentTable != null;
	}

	private static void requireIdentifier(String value, String what) {
		Assert.isTrue(value != null && IDENTIFIER.matcher(value).matches(),
				() -> "Invalid " + what + " '" + value + "': expected an SQL identifier such as weather_locations");
	}

}
