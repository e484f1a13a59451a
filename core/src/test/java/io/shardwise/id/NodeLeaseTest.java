package io.shardwise.id;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Node leases on a real H2 database that stands for the lease shard.
 */
class NodeLeaseTest {

	private static final Duration SHORT = Duration.ofSeconds(1);

	private final JdbcDataSource database = new JdbcDataSource();

	private final List<NodeLease> leases = new ArrayList<>();

	NodeLeaseTest() {
		this.database.setURL("jdbc:h2:mem:lease-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
	}

	@AfterEach
	void close() {
		this.leases.forEach(NodeLease::close);
	}

	@Test
	void instancesLeaseDistinctNodesAndReleaseThemOnClose() throws SQLException {
		NodeLease first = started(NodeLease.automatic(this.database, "shard 'a'", Duration.ofMinutes(1)));
		NodeLease second = started(NodeLease.automatic(this.database, "shard 'a'", Duration.ofMinutes(1)));
		assertThat(first.node()).isZero();
		assertThat(second.node()).isOne();
		assertThat(rows()).isEqualTo(2);
		first.close();
		assertThat(rows()).isEqualTo(1);
		assertThat(started(NodeLease.automatic(this.database, "shard 'a'", Duration.ofMinutes(1))).node()).isZero();
	}

	@Test
	void aClosedLeaseIsNotRenewedAgainAndRefusesIdsSayingSo() throws SQLException {
		NodeLease lease = started(NodeLease.automatic(this.database, "shard 'a'", Duration.ofMinutes(1)));
		ShardIds ids = new ShardIds(1, lease);
		assertThat(ids.next(0)).isPositive();
		lease.close();
		assertThat(lease.renew()).isFalse();
		assertThat(rows()).isZero();
		assertThatExceptionOfType(NodeLeaseException.class).isThrownBy(() -> ids.next(0))
			.withMessageContaining("Id node 0 in shard 'a' was released when this instance closed");
	}

	@Test
	void runningOutOfNodesFailsNamingTheTable() {
		for (int i = 0; i < ShardIds.MAX_NODES; i++) {
			started(NodeLease.automatic(this.database, "shard 'a'", Duration.ofMinutes(1)));
		}
		NodeLease oneTooMany = NodeLease.automatic(this.database, "shard 'a'", Duration.ofMinutes(1));
		assertThatExceptionOfType(NodeLeaseException.class).isThrownBy(oneTooMany::start)
			.withMessageContaining("All 64 id node numbers are leased in shard 'a'")
			.withMessageContaining(NodeLease.TABLE);
	}

	@Test
	void anExpiredLeaseIsTakenOverAndItsFormerOwnerStopsLoudly() throws Exception {
		NodeLease stalled = started(NodeLease.automatic(this.database, "shard 'a'", SHORT));
		ShardIds stalledIds = new ShardIds(1, stalled);
		assertThat(stalledIds.next(0)).isPositive();
		// The instance stalls: no more renewals, so its lease expires.
		stalled.stopRenewing();
		while (latestExpiry() >= System.currentTimeMillis()) {
			Thread.sleep(50);
		}
		assertThatExceptionOfType(NodeLeaseException.class).isThrownBy(() -> stalledIds.next(0))
			.withMessageContaining("not been renewed");
		NodeLease successor = started(NodeLease.automatic(this.database, "shard 'a'", SHORT));
		assertThat(successor.node()).isEqualTo(stalled.node());
		assertThat(new ShardIds(1, successor).next(0)).isPositive();
		// The stalled instance wakes up: its renewal finds the node taken over.
		assertThat(stalled.renew()).isFalse();
		assertThatExceptionOfType(NodeLeaseException.class).isThrownBy(() -> stalledIds.next(0))
			.withMessageContaining("taken over by " + successor.owner())
			.withMessageContaining("no longer generates ids");
	}

	@Test
	void aLeaseIsRenewedInTheBackground() throws Exception {
		NodeLease lease = started(NodeLease.automatic(this.database, "shard 'a'", SHORT));
		long firstExpiry = latestExpiry();
		while (latestExpiry() == firstExpiry) {
			Thread.sleep(50);
		}
		assertThat(new ShardIds(1, lease).next(0)).isPositive();
	}

	@Test
	void twoInstancesConfiguredWithTheSameNodeAreDetected() {
		NodeLease first = started(NodeLease.configured(this.database, "shard 'a'", 5, Duration.ofMinutes(1)));
		assertThat(first.node()).isEqualTo(5);
		NodeLease second = NodeLease.configured(this.database, "shard 'a'", 5, Duration.ofMinutes(1));
		assertThatExceptionOfType(NodeLeaseException.class).isThrownBy(second::start)
			.withMessageContaining("shardwise.id.node=5 is in use by another running instance (" + first.owner());
		// Automatic leases skip it.
		assertThat(started(NodeLease.automatic(this.database, "shard 'a'", Duration.ofMinutes(1))).node()).isZero();
	}

	@Test
	void idsAreRefusedBeforeTheLeaseIsTaken() {
		NodeLease lease = NodeLease.automatic(this.database, "shard 'a'", SHORT);
		this.leases.add(lease);
		assertThatExceptionOfType(NodeLeaseException.class).isThrownBy(() -> new ShardIds(1, lease).next(0))
			.withMessageContaining("No id node leased yet");
	}

	private NodeLease started(NodeLease lease) {
		this.leases.add(lease);
		lease.start();
		return lease;
	}

	private int rows() throws SQLException {
		return (int) query("select count(*) from " + NodeLease.TABLE);
	}

	private long latestExpiry() throws SQLException {
		return query("select max(expires_at) from " + NodeLease.TABLE);
	}

	private long query(String sql) throws SQLException {
		try (Connection connection = this.database.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
