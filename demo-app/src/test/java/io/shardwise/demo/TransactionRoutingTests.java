package io.shardwise.demo;

import java.util.List;

import io.shardwise.routing.ShardRoutingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How routing and transactions interact: a transaction reads from any shard and writes
 * to one; a write routed to a second shard is refused before it runs, and the
 * transaction rolls back.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class TransactionRoutingTests {

	@Autowired
	ShardDatabases databases;

	@Autowired
	TestOperations operations;

	@Autowired
	WeatherLocationRepository locations;

	@Autowired
	PlatformTransactionManager transactionManager;

	@BeforeEach
	void resetCounts() throws Exception {
		this.databases.resetStatementCounts();
	}

	@AfterEach
	void deleteTestRows() throws Exception {
		this.databases.deleteTestRows();
	}

	@Test
	void keyedTransactionCommitsOnItsShard() throws Exception {
		WeatherLocation saved = this.operations.saveWithReports("Asia", "T-Kyoto", 3, false);
		assertThat(this.databases.locations("asia")).extracting(ShardDatabases.Location::id).contains(saved.getId());
		assertThat(this.databases.reports("asia")).filteredOn((report) -> report.locationId() == saved.getId())
			.hasSize(3);
		assertThat(this.databases.statementCounts()).containsEntry("north_america", 0)
			.containsEntry("europe", 0)
			.containsEntry("south_america", 0);
	}

	@Test
	void failingKeyedTransactionLeavesNothingBehind() throws Exception {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.operations.saveWithReports("Europe", "T-Bonn", 2, true));
		// The rows were flushed to Europe's database before the failure, then rolled back.
		assertThat(this.databases.statementCounts().get("europe")).isPositive();
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::city)
				.doesNotContain("T-Bonn");
		}
	}

	@Test
	void transactionSpanningTwoShardsIsRefusedAndRolledBack() throws Exception {
		List<WeatherLocation> both = List.of(new WeatherLocation("Asia", "T-Nagoya"),
				new WeatherLocation("Europe", "T-Lyon"));
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.operations.saveAllInOneTransaction(both))
			.withMessageContaining("'asia'")
			.withMessageContaining("'europe'");
		assertThat(this.databases.statementCounts().get("europe")).as("no statement of the refused call ran").isZero();
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::city)
				.doesNotContain("T-Nagoya", "T-Lyon");
		}
	}

	@Test
	void keyedTransactionRefusesAnotherShard() throws Exception {
		assertThatExceptionOfType(ShardRoutingException.class)
			.isThrownBy(() -> this.operations.saveOnOtherShard("North America", "South America", "T-Twin"))
			.withMessageContaining("'north_america'")
			.withMessageContaining("'south_america'");
		assertThat(this.databases.statementCounts().get("south_america")).isZero();
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::city)
				.doesNotContain("T-Twin");
		}
	}

	@Test
	void firstRoutedCallPicksTheShardOfAnOpenTransaction() throws Exception {
		WeatherLocation saved = this.operations.readThenWrite("South America", "T-Cusco");
		assertThat(this.databases.locations("south_america")).extracting(ShardDatabases.Location::id)
			.contains(saved.getId());
	}

	@Test
	void unkeyedQueryInsideATransactionReadsEveryShard() throws Exception {
		long everything = 0;
		for (String shard : ShardDatabases.SHARDS) {
			everything += this.databases.locations(shard).size();
		}
		assertThat(this.operations.readThenCountEverything("Asia")).isEqualTo(everything);
	}

	@Test
	void unkeyedCallsInsideKeyedMethodRunOnItsShard() throws Exception {
		long europeRows = this.databases.locations("europe").size();
		assertThat(this.operations.countOnShardOf("Europe")).isEqualTo(europeRows);
		assertThat(this.databases.statementCounts()).containsEntry("north_america", 0)
			.containsEntry("asia", 0)
			.containsEntry("south_america", 0);
	}

	@Test
	void aConstraintViolationAtCommitIsTranslatedWhicheverShardTheTransactionTouchedFirst() throws Exception {
		WeatherLocation asian = this.locations.save(new WeatherLocation("Asia", "T-Osaka"));
		TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
		// Asia is the transaction's home shard: the transaction manager's commit translates.
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> transaction.executeWithoutResult(
					(status) -> this.locations.findById(asian.getId()).orElseThrow().setCity(null)));
		// Europe first: Asia's session flushes in Shardwise's unit of work, before the commit.
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> transaction.executeWithoutResult((status) -> {
				this.locations.findByContinentOrderByIdAsc("Europe");
				this.locations.findById(asian.getId()).orElseThrow().setCity(null);
			}));
		assertThat(this.databases.locations("asia")).filteredOn((location) -> location.id() == asian.getId())
			.extracting(ShardDatabases.Location::city)
			.containsExactly("T-Osaka");
	}

	@Test
	void aSaveAllAcrossShardsThatFailsOnOneSaysWhatItWrote(CapturedOutput output) throws Exception {
		WeatherLocation broken = new WeatherLocation("Asia", "T-Sendai");
		broken.setCity(null);
		List<WeatherLocation> three = List.of(new WeatherLocation("Europe", "T-Porto"), broken,
				new WeatherLocation("North America", "T-Tulsa"));
		assertThatExceptionOfType(DataIntegrityViolationException.class)
			.isThrownBy(() -> this.locations.saveAll(three));
		assertThat(this.databases.locations("europe")).extracting(ShardDatabases.Location::city).contains("T-Porto");
		for (String shard : ShardDatabases.SHARDS) {
			assertThat(this.databases.locations(shard)).extracting(ShardDatabases.Location::city)
				.doesNotContain("T-Tulsa");
		}
		assertThat(output).contains("saveAll across shards committed on shard(s) [europe] and then failed on "
				+ "shard 'asia'; shard(s) [north_america] were not written");
	}

}
