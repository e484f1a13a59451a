package io.shardwise.audit;

import java.util.List;
import java.util.Map;

import io.shardwise.audit.ConsistencyProblem.Kind;
import io.shardwise.routing.ShardRouter;
import io.shardwise.strategy.LookupShardStrategy;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class ShardConsistencyCheckerTest {

	private static final List<ShardedTable> TABLES = List.of(
			ShardedTable.childOf("orders", "id", "customer_id", "customers"),
			ShardedTable.keyedBy("customers", "id", "region").withShardwiseIds());

	private H2Shards h2;

	private ShardConsistencyChecker checker;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b");
		this.h2.executeOnEach("create table customers (id bigint primary key, region varchar(10))");
		this.h2.executeOnEach("create table orders (id bigint primary key, customer_id bigint)");
		ShardRouter router = new ShardRouter(this.h2.shards(),
				Map.of("region", new LookupShardStrategy("region", Map.of("east", "a", "west", "b"))), "region");
		this.checker = new ShardConsistencyChecker(router);
	}

	@AfterEach
	void tearDown() throws Exception {
		this.h2.close();
	}

	@Test
	void consistentShardsReportRowCountsAndNoProblem() {
		long eastId = this.h2.shard("a").nextId();
		long westId = this.h2.shard("b").nextId();
		jdbc("a").update("insert into customers values (?, 'east')", eastId);
		jdbc("a").update("insert into orders values (1, ?), (2, ?)", eastId, eastId);
		jdbc("b").update("insert into customers values (?, 'west')", westId);
		jdbc("b").update("insert into orders values (3, ?)", westId);

		ConsistencyReport report = this.checker.check(TABLES);

		assertThat(report.isConsistent()).as(report.toString()).isTrue();
		assertThat(report.getRowCounts()).containsExactly(entry("orders", Map.of("a", 2L, "b", 1L)),
				entry("customers", Map.of("a", 1L, "b", 1L)));
		assertThat(report.getRowsChecked()).isEqualTo(5);
		assertThat(report.toString()).startsWith("Consistent: 5 rows checked");
	}

	@Test
	void everyKindOfBrokenRuleIsReported() {
		long eastId = this.h2.shard("a").nextId();
		jdbc("a").update("insert into customers values (?, 'east')", eastId);
		jdbc("b").update("insert into customers values (?, 'east')", eastId); // misplaced, duplicate, id names a
		jdbc("a").update("insert into customers values (7, 'north')"); // no shard for the key
		jdbc("b").update("insert into orders values (1, ?)", 7L); // parent on shard a
		jdbc("b").update("insert into orders values (2, 99)"); // no parent anywhere

		ConsistencyReport report = this.checker.check(TABLES);

		assertThat(report.isConsistent()).isFalse();
		assertThat(report.getProblemCounts()).containsOnly(entry(Kind.MISPLACED_ROW, 1L), entry(Kind.DUPLICATE_ID, 1L),
				entry(Kind.ID_NAMES_OTHER_SHARD, 1L), entry(Kind.UNROUTABLE_KEY, 1L),
				entry(Kind.CHILD_AWAY_FROM_PARENT, 1L), entry(Kind.ORPHANED_CHILD, 1L));
		assertThat(report.getProblems()).extracting(ConsistencyProblem::toString)
			.contains("MISPLACED_ROW customers[" + eastId + "] on shard 'b': key [east] belongs on shard 'a'",
					"DUPLICATE_ID customers[" + eastId + "] on shard 'b': id also stored on shard 'a'",
					"ID_NAMES_OTHER_SHARD customers[" + eastId + "] on shard 'b': id names shard 'a'",
					"CHILD_AWAY_FROM_PARENT orders[1] on shard 'b': parent customers[7] is on shard 'a'",
					"ORPHANED_CHILD orders[2] on shard 'b': parent customers[99] exists on no shard");
		assertThat(report.getProblems()).filteredOn((problem) -> problem.kind() == Kind.UNROUTABLE_KEY)
			.singleElement()
			.satisfies((problem) -> assertThat(problem.detail()).contains("north"));
	}

	@Test
	void identifiersAreCheckedBecauseTheyCannotBeBound() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ShardedTable.keyedBy("customers; drop table customers", "id", "region"))
			.withMessageContaining("table name");
		assertThatIllegalArgumentException().isThrownBy(() -> ShardedTable.keyedBy("customers", "id", "region--"))
			.withMessageContaining("shard key column");
	}

	@Test
	void childOfAnUndescribedTableIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.checker.check(List.of(ShardedTable.childOf("orders", "id", "customer_id", "x"))))
			.withMessageContaining("'x'");
	}

	private JdbcTemplate jdbc(String shard) {
		return new JdbcTemplate(this.h2.dataSource(shard));
	}

}
