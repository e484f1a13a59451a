package io.shardwise.autoconfigure.context;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.shardwise.annotation.ShardKey;
import io.shardwise.autoconfigure.ShardwiseAutoConfiguration;
import io.shardwise.autoconfigure.ShardwiseMigrationAutoConfiguration;
import io.shardwise.context.ShardContextTaskDecorator;
import io.shardwise.routing.ShardContext;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A routed method hands work to {@code @Async}, to Spring Boot's
 * {@code ThreadPoolTaskExecutor} and to {@code CompletableFuture}s on it: the work keeps
 * the shard (proven in each shard's own database), leaves the executor's single pooled
 * thread without a shard for the next, unrelated task, and never joins the caller's
 * transaction.
 */
class AsyncShardContextTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardwiseMigrationAutoConfiguration.class,
				ShardwiseAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
				ShardwiseContextPropagationAutoConfiguration.class))
		.withUserConfiguration(AsyncConfiguration.class)
		.withPropertyValues("shardwise.shards.north.url=" + h2Url("north"),
				"shardwise.shards.south.url=" + h2Url("south"), "shardwise.strategies.region.type=lookup",
				"shardwise.strategies.region.mapping.eu=south", "shardwise.strategies.region.mapping.us=north",
				// one pooled thread: the unrelated task runs on the thread the routed work used
				"spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
				"spring.task.execution.thread-name-prefix=pooled-");

	@Test
	void asyncMethodKeepsTheShardOfTheRoutedCall() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ShardContextTaskDecorator.class);
			RoutedService service = context.getBean(RoutedService.class);
			String worker = service.insertAsync("eu", 1).get(10, TimeUnit.SECONDS);
			assertThat(worker).startsWith("south@");
			assertThat(ids(context, "south")).containsExactly(1L);
			assertThat(ids(context, "north")).isEmpty();
			assertUnrelatedWorkHasNoShard(context, worker);
		});
	}

	@Test
	void workOutlivingTheRoutedCallKeepsItsShardAndDoesNotLeakIt() {
		this.runner.run((context) -> {
			RoutedService service = context.getBean(RoutedService.class);
			CountDownLatch routedCallReturned = new CountDownLatch(1);
			CompletableFuture<String> outliving = service.insertLater("us", 2, routedCallReturned);
			assertThat(ShardContext.currentShard()).isNull();
			routedCallReturned.countDown();
			String worker = outliving.get(10, TimeUnit.SECONDS);
			assertThat(worker).startsWith("north@");
			assertThat(ids(context, "north")).containsExactly(2L);
			assertThat(ids(context, "south")).isEmpty();
			assertUnrelatedWorkHasNoShard(context, worker);
		});
	}

	@Test
	void completableFuturesOnTheExecutorKeepTheShard() {
		this.runner.run((context) -> {
			RoutedService service = context.getBean(RoutedService.class);
			String worker = service.insertWithFutures("eu", 3).get(10, TimeUnit.SECONDS);
			assertThat(worker).startsWith("south@");
			assertThat(ids(context, "south")).containsExactly(3L, 4L);
			assertThat(ids(context, "north")).isEmpty();
			assertUnrelatedWorkHasNoShard(context, worker);
		});
	}

	@Test
	void decoratorOnAPoolSharedWithUndecoratedCode() {
		this.runner.run((context) -> {
			ExecutorService pool = Executors.newSingleThreadExecutor();
			try {
				TaskExecutorAdapter executor = new TaskExecutorAdapter(pool);
				executor.setTaskDecorator(context.getBean(TaskDecorator.class));
				CompletableFuture<String> routed = context.getBean(RoutedService.class)
					.insertWithFutures("us", 8, executor);
				assertThat(routed.get(10, TimeUnit.SECONDS)).startsWith("north@");
				assertThat(ids(context, "north")).containsExactly(8L, 9L);
				// undecorated work on the same thread afterwards
				String unrelated = pool.submit(AsyncItems::where).get(10, TimeUnit.SECONDS);
				assertThat(unrelated).isEqualTo("null@" + routed.get().substring("north@".length()));
			}
			finally {
				pool.shutdownNow();
			}
		});
	}

	@Test
	void asyncWorkNeverJoinsTheCallersTransaction() {
		this.runner.run((context) -> {
			RoutedService service = context.getBean(RoutedService.class);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> service.insertBothThenFail("eu", 5, 6));
			// the caller's row is rolled back; the async row committed on its own, on the same shard
			assertThat(ids(context, "south")).containsExactly(6L);
			assertThat(ids(context, "north")).isEmpty();
		});
	}

	@Test
	void contextPropagatingTaskDecoratorCarriesTheShardInstead() {
		this.runner.withPropertyValues("spring.task.execution.propagate-context=true").run((context) -> {
			assertThat(context).hasSingleBean(ContextPropagatingTaskDecorator.class)
				.doesNotHaveBean(ShardContextTaskDecorator.class);
			String worker = context.getBean(RoutedService.class).insertAsync("us", 7).get(10, TimeUnit.SECONDS);
			assertThat(worker).startsWith("north@");
			assertThat(ids(context, "north")).containsExactly(7L);
			assertUnrelatedWorkHasNoShard(context, worker);
		});
	}

	@Test
	void noDecoratorWhenShardwiseIsDisabled() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ShardwiseContextPropagationAutoConfiguration.class))
			.withPropertyValues("shardwise.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardContextTaskDecorator.class));
	}

	/**
	 * Unrelated work on the thread that ran the routed work runs without a shard. Spring's
	 * executor decorates every task, even those handed to its underlying
	 * {@code ThreadPoolExecutor}; {@link #decoratorOnAPoolSharedWithUndecoratedCode} covers
	 * a pool that runs undecorated work too.
	 */
	private static void assertUnrelatedWorkHasNoShard(ApplicationContext context, String routedWorker)
			throws Exception {
		String thread = routedWorker.substring(routedWorker.indexOf('@') + 1);
		assertThat(thread).startsWith("pooled-");
		assertThat(context.getBean(AsyncItems.class).currentShard().get(10, TimeUnit.SECONDS))
			.isEqualTo("null@" + thread);
	}

	private static List<Long> ids(ApplicationContext context, String shard) {
		DataSource dataSource = context.getBean(Shards.class).get(shard).dataSource();
		return new JdbcTemplate(dataSource).queryForList("select id from items order by id", Long.class);
	}

	private static String h2Url(String name) {
		return "jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	@EnableTransactionManagement
	static class AsyncConfiguration {

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		AsyncItems asyncItems(DataSource dataSource) {
			return new AsyncItems(new JdbcTemplate(dataSource));
		}

		@Bean
		RoutedService routedService(AsyncItems items, DataSource dataSource, ThreadPoolTaskExecutor executor) {
			return new RoutedService(items, new JdbcTemplate(dataSource), executor);
		}

	}

	static class AsyncItems {

		private final JdbcTemplate jdbc;

		AsyncItems(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Async
		public CompletableFuture<String> insert(long id, CountDownLatch start) throws InterruptedException {
			assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
			this.jdbc.update("insert into items (id, k) values (?, 'async')", id);
			return CompletableFuture.completedFuture(where());
		}

		@Async
		public CompletableFuture<String> currentShard() {
			return CompletableFuture.completedFuture(where());
		}

		static String where() {
			return ShardContext.currentShardId() + "@" + Thread.currentThread().getName();
		}

	}

	static class RoutedService {

		private final AsyncItems items;

		private final JdbcTemplate jdbc;

		private final ThreadPoolTaskExecutor executor;

		RoutedService(AsyncItems items, JdbcTemplate jdbc, ThreadPoolTaskExecutor executor) {
			this.items = items;
			this.jdbc = jdbc;
			this.executor = executor;
		}

		public CompletableFuture<String> insertAsync(@ShardKey String region, long id) throws InterruptedException {
			return this.items.insert(id, new CountDownLatch(0));
		}

		public CompletableFuture<String> insertLater(@ShardKey String region, long id, CountDownLatch start)
				throws InterruptedException {
			return this.items.insert(id, start);
		}

		public CompletableFuture<String> insertWithFutures(@ShardKey String region, long id) {
			return insertWithFutures(region, id, this.executor);
		}

		public CompletableFuture<String> insertWithFutures(@ShardKey String region, long id, Executor executor) {
			return CompletableFuture
				.supplyAsync(() -> this.jdbc.update("insert into items (id, k) values (?, 'future')", id), executor)
				.thenApplyAsync((count) -> this.jdbc.update("insert into items (id, k) values (?, 'then')", id + 1),
						executor)
				.thenApplyAsync((count) -> AsyncItems.where(), executor);
		}

		@Transactional
		public void insertBothThenFail(@ShardKey String region, long callerId, long asyncId) throws Exception {
			this.jdbc.update("insert into items (id, k) values (?, 'caller')", callerId);
			this.items.insert(asyncId, new CountDownLatch(0)).get(10, TimeUnit.SECONDS);
			throw new IllegalStateException("roll back the caller's transaction");
		}

	}

}
