package io.shardwise.unitofwork;

import java.sql.Connection;
import java.util.List;

import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.ShardRoutingDataSource;
import io.shardwise.routing.ShardRoutingException;
import io.shardwise.testsupport.H2Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests the unit of work with plain JDBC: Spring's {@code DataSourceTransactionManager}
 * and {@code TransactionTemplate} over the routing DataSource, on real H2 shards, with
 * what each shard committed read from its own database.
 */
class ShardUnitOfWorkJdbcTest {

	private H2Shards h2;

	private Shard a;

	private Shard b;

	private JdbcTemplate jdbc;

	private TransactionTemplate tx;

	private TransactionTemplate requiresNew;

	@BeforeEach
	void setUp() {
		this.h2 = H2Shards.create("a", "b");
		this.h2.executeOnEach("create table t(id int)");
		this.a = this.h2.shard("a");
		this.b = this.h2.shard("b");
		LazyConnectionDataSourceProxy dataSource = new LazyConnectionDataSourceProxy(
				new ShardRoutingDataSource(this.h2.shards()));
		// As the auto-configuration does: the proxy must not fetch a connection with no shard selected.
		dataSource.setDefaultAutoCommit(true);
		dataSource.setDefaultTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		this.jdbc = new JdbcTemplate(dataSource);
		DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
		this.tx = new TransactionTemplate(transactionManager);
		this.requiresNew = new TransactionTemplate(transactionManager);
		this.requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	@AfterEach
	void tearDown() throws Exception {
		assertThat(TransactionSynchronizationManager.getResourceMap()).isEmpty();
		assertThat(ShardContext.currentShard()).isNull();
		this.h2.close();
	}

	@Test
	void readsFromSeveralShardsAndWritesToOne() {
		new JdbcTemplate(this.a.dataSource()).update("insert into t values (1)");
		new JdbcTemplate(this.b.dataSource()).update("insert into t values (2)");
		this.tx.executeWithoutResult((status) -> {
			assertThat(callOn(this.a, () -> this.jdbc.queryForList("select id from t", Integer.class))).containsExactly(1);
			assertThat(callOn(this.b, () -> this.jdbc.queryForList("select id from t", Integer.class))).containsExactly(2);
			assertThat(ShardContext.transactionShard()).isSameAs(this.a);
			callOn(this.b, () -> this.jdbc.update("insert into t values (3)"));
			// The second shard's connection stays open for the whole transaction.
			assertThat(callOn(this.b, () -> this.jdbc.queryForList("select id from t order by id", Integer.class)))
				.containsExactly(2, 3);
		});
		assertThat(rows(this.a)).containsExactly(1);
		assertThat(rows(this.b)).containsExactly(2, 3);
	}

	@Test
	void writesToTwoShardsAreRefusedAtCommitAndNothingIsCommitted() {
		ShardRoutingException ex = catchThrowableOfType(ShardRoutingException.class,
				() -> this.tx.executeWithoutResult((status) -> {
					callOn(this.a, () -> this.jdbc.update("insert into t values (1)"));
					callOn(this.b, () -> this.jdbc.update("insert into t values (2)"));
				}));
		assertThat(ex).isNotNull();
		assertThat(ex.getMessage()).contains("'a' and 'b'").contains("Nothing was committed");
		assertThat(rows(this.a)).isEmpty();
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void transactionStartedWithShardSelectedBelongsToIt() {
		ShardRoutingException ex = catchThrowableOfType(ShardRoutingException.class,
				() -> callOn(this.a, () -> this.tx.execute((status) -> {
					assertThat(ShardContext.transactionShard()).isNull();
					this.jdbc.update("insert into t values (1)");
					return callOn(this.b, () -> {
						assertThat(ShardContext.transactionShard()).isSameAs(this.a);
						return this.jdbc.update("insert into t values (2)");
					});
				})));
		assertThat(ex).isNotNull();
		assertThat(ex.getMessage()).contains("'a' and 'b'");
		assertThat(rows(this.a)).isEmpty();
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void declaredWriteToASecondShardIsRefusedBeforeItRunsAndRollsBackEvenIfCaught() {
		assertThatExceptionOfType(UnexpectedRollbackException.class).isThrownBy(() -> this.tx.executeWithoutResult((status) -> {
			callOn(this.a, () -> this.jdbc.update("insert into t values (1)"));
			ShardUnitOfWork.beforeWrite(this.a, "first");
			assertThatExceptionOfType(ShardRoutingException.class)
				.isThrownBy(() -> ShardUnitOfWork.beforeWrite(this.b, "OrderRepository.save"))
				.withMessageContaining("shard 'b'")
				.withMessageContaining("shard 'a'")
				.withMessageContaining("OrderRepository.save");
			assertThat(status.isRollbackOnly()).isTrue();
		}));
		assertThat(rows(this.a)).isEmpty();
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void declaredWriteRefusalRollsBackUnderJdbcTransactionManagerToo() {
		TransactionTemplate jdbcTx = new TransactionTemplate(
				new org.springframework.jdbc.support.JdbcTransactionManager(this.jdbc.getDataSource()));
		assertThatExceptionOfType(UnexpectedRollbackException.class).isThrownBy(() -> jdbcTx.executeWithoutResult((status) -> {
			callOn(this.b, () -> this.jdbc.update("insert into t values (1)"));
			ShardUnitOfWork.beforeWrite(this.b, "first");
			try {
				ShardUnitOfWork.beforeWrite(this.a, "second");
			}
			catch (ShardRoutingException ex) {
				// swallowed, as careless code does
			}
		}));
		assertThat(rows(this.a)).isEmpty();
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void sameShardTwiceInOneTransactionIsFine() {
		this.tx.executeWithoutResult((status) -> {
			callOn(this.a, () -> this.jdbc.update("insert into t values (1)"));
			callOn(this.a, () -> this.jdbc.update("insert into t values (2)"));
		});
		assertThat(rows(this.a)).containsExactly(1, 2);
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void requiresNewInnerTransactionIsItsOwnUnitOfWork() {
		this.tx.executeWithoutResult((status) -> {
			callOn(this.a, () -> this.jdbc.update("insert into t values (1)"));
			this.requiresNew.executeWithoutResult((inner) -> {
				assertThat(ShardContext.transactionShard()).isNull();
				callOn(this.b, () -> this.jdbc.update("insert into t values (2)"));
				assertThat(ShardContext.transactionShard()).isSameAs(this.b);
			});
			assertThat(ShardContext.transactionShard()).isSameAs(this.a);
			assertThat(callOn(this.b, () -> this.jdbc.queryForList("select id from t", Integer.class))).containsExactly(2);
			callOn(this.a, () -> this.jdbc.update("insert into t values (4)"));
		});
		assertThat(rows(this.a)).containsExactly(1, 4);
		assertThat(rows(this.b)).containsExactly(2);
	}

	@Test
	void statementsWithoutCallOnStayOnTheBoundShard() {
		this.tx.executeWithoutResult((status) -> {
			callOn(this.a, () -> this.jdbc.update("insert into t values (1)"));
			// No shard selected any more, but the transaction is bound to a.
			assertThat(ShardContext.currentShard()).isNull();
			assertThat(ShardContext.effectiveShard()).isSameAs(this.a);
			this.jdbc.update("insert into t values (2)");
		});
		assertThat(rows(this.a)).containsExactly(1, 2);
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void bindingEndsWithTheTransaction() {
		this.tx.executeWithoutResult((status) -> callOn(this.a, () -> this.jdbc.update("insert into t values (1)")));
		assertThat(ShardContext.effectiveShard()).isNull();
		this.tx.executeWithoutResult((status) -> {
			assertThat(ShardContext.transactionShard()).isNull();
			callOn(this.b, () -> this.jdbc.update("insert into t values (2)"));
		});
		assertThat(rows(this.a)).containsExactly(1);
		assertThat(rows(this.b)).containsExactly(2);
	}

	@Test
	void bindingEndsWithARolledBackTransaction() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.tx.executeWithoutResult((status) -> {
			callOn(this.a, () -> this.jdbc.update("insert into t values (1)"));
			throw new IllegalStateException("fail");
		}));
		this.tx.executeWithoutResult((status) -> callOn(this.b, () -> this.jdbc.update("insert into t values (2)")));
		assertThat(rows(this.a)).isEmpty();
		assertThat(rows(this.b)).containsExactly(2);
	}

	@Test
	void noShardSelectedFailsOnFirstStatement() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.jdbc.queryForObject("select count(*) from t", Integer.class))
			.withMessageContaining("No shard selected");
	}

	@Test
	void noShardSelectedInsideTransactionFailsOnFirstStatement() {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.tx.executeWithoutResult((status) -> this.jdbc.update("insert into t values (1)")))
			.withMessageContaining("No shard selected");
		assertThat(rows(this.a)).isEmpty();
		assertThat(rows(this.b)).isEmpty();
	}

	@Test
	void rowsWrittenThroughTheRoutingDataSourceLandOnTheSelectedShard() {
		callOn(this.a, () -> this.jdbc.update("insert into t values (7)"));
		callOn(this.b, () -> this.jdbc.update("insert into t values (8)"));
		assertThat(rows(this.a)).containsExactly(7);
		assertThat(rows(this.b)).containsExactly(8);
		assertThat(callOn(this.a, () -> this.jdbc.queryForList("select id from t", Integer.class))).containsExactly(7);
	}

	@Test
	void withoutTransactionCallsMaySwitchShards() {
		callOn(this.a, () -> callOn(this.b, () -> this.jdbc.update("insert into t values (1)")));
		assertThat(rows(this.b)).containsExactly(1);
		assertThat(rows(this.a)).isEmpty();
	}

	private List<Integer> rows(Shard shard) {
		return new JdbcTemplate(shard.dataSource()).queryForList("select id from t order by id", Integer.class);
	}

	private static <T> T callOn(Shard shard, ShardContext.Action<T> action) {
		try {
			return ShardUnitOfWork.callOn(shard, action);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

}
