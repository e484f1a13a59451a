package io.shardwise.keychange;

import java.util.List;
import java.util.Map;

import io.shardwise.routing.ShardRoutingException;
import io.shardwise.routing.Shards;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A changed {@code @ShardKey} whose new value maps to another shard never leaves a
 * misplaced row: a flush that would write it (dirty checking, with or without
 * {@code save}) is refused before its statements run and the transaction rolls back, and
 * {@code save} refuses it before anything runs, inside a transaction or outside one
 * (detached). Updates that keep the row where its key maps are committed. Every outcome
 * is read with plain JDBC from each shard's own database.
 */
abstract class KeyChangeTests {

	@Autowired
	TenantRepository tenants;

	@Autowired
	InvoiceRepository invoices;

	@Autowired
	NoteRepository notes;

	@Autowired
	Shards shards;

	@Autowired
	PlatformTransactionManager transactionManager;

	@AfterEach
	void deleteAll() {
		for (String shard : List.of("eu", "us", "latam")) {
			jdbc(shard).update("delete from invoices");
			jdbc(shard).update("delete from tenants");
			jdbc(shard).update("delete from notes");
		}
	}

	private JdbcTemplate jdbc(String shard) {
		return new JdbcTemplate(this.shards.get(shard).dataSource());
	}

	private TransactionTemplate transaction() {
		return new TransactionTemplate(this.transactionManager);
	}

	/** The region of a tenant's row on each shard that holds one. */
	private Map<String, String> tenantRows(long id) {
		Map<String, String> rows = new java.util.TreeMap<>();
		for (String shard : List.of("eu", "us", "latam")) {
			jdbc(shard).queryForList("select region, name from tenants where id = ?", id)
				.forEach((row) -> rows.put(shard, row.get("REGION") + "/" + row.get("NAME")));
		}
		return rows;
	}

	/** The tenant id of an invoice's row on each shard that holds one. */
	private Map<String, Long> invoiceRows(long id) {
		Map<String, Long> rows = new java.util.TreeMap<>();
		for (String shard : List.of("eu", "us", "latam")) {
			jdbc(shard).queryForList("select tenant_id from invoices where id = ?", Long.class, id)
				.forEach((tenant) -> rows.put(shard, tenant));
		}
		return rows;
	}

	/** The refusal a call or commit ended with, wherever in the chain of causes it is. */
	private static ShardRoutingException refusal(Throwable thrown) {
		for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
			if (cause instanceof ShardRoutingException refusal) {
				return refusal;
			}
		}
		throw new AssertionError("Not refused by Shardwise", thrown);
	}

	@Test
	void keyChangedByDirtyCheckingIsRefusedAtCommit() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "dirty"));
		Throwable thrown = catchThrowable(() -> transaction().executeWithoutResult((status) -> {
			Tenant loaded = this.tenants.findById(tenant.getId()).orElseThrow();
			loaded.setName("renamed");
			loaded.setRegion("US");
		}));
		assertThat(thrown).isInstanceOf(ShardRoutingException.class);
		assertThat(refusal(thrown)).hasMessageContaining("Tenant#" + tenant.getId())
			.hasMessageContaining("Tenant.region")
			.hasMessageContaining("loaded from shard 'eu'")
			.hasMessageContaining("maps to shard 'us'");
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU/dirty"));
		assertThat(this.tenants.findByRegion("EU")).extracting(Tenant::getId).containsExactly(tenant.getId());
	}

	@Test
	void keyChangedByDirtyCheckingIsRefusedInATransactionThatCalledAnotherShardFirst() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "dirty-elsewhere"));
		Throwable thrown = catchThrowable(() -> transaction().executeWithoutResult((status) -> {
			this.tenants.findByRegion("LATAM"); // the home shard is latam
			this.tenants.findById(tenant.getId()).orElseThrow().setRegion("US");
		}));
		assertThat(refusal(thrown)).hasMessageContaining("Tenant#" + tenant.getId())
			.hasMessageContaining("loaded from shard 'eu'")
			.hasMessageContaining("maps to shard 'us'");
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU/dirty-elsewhere"));
	}

	@Test
	void keyChangedByDirtyCheckingIsRefusedByTheFlushBeforeAQuery() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "auto-flush"));
		Throwable[] query = new Throwable[1];
		Throwable thrown = catchThrowable(() -> transaction().executeWithoutResult((status) -> {
			this.tenants.findById(tenant.getId()).orElseThrow().setRegion("US");
			query[0] = catchThrowable(() -> this.tenants.findByRegion("EU"));
		}));
		assertThat(refusal(query[0])).hasMessageContaining("Tenant#" + tenant.getId())
			.hasMessageContaining("maps to shard 'us'");
		assertThat(thrown).as("the commit after the caught refusal").isNotNull();
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU/auto-flush"));
	}

	@Test
	void saveAllWithAChangedKeyIsRefusedBeforeAnythingIsWritten() {
		Tenant changed = this.tenants.save(new Tenant("EU", "save-all-changed"));
		Tenant unchanged = this.tenants.save(new Tenant("US", "save-all-unchanged"));
		changed.setRegion("US");
		unchanged.setName("renamed");
		assertThat(catchThrowable(() -> this.tenants.saveAll(List.of(unchanged, changed))))
			.isInstanceOf(ShardRoutingException.class)
			.hasMessageContaining("Tenant#" + changed.getId())
			.hasMessageContaining("now maps to shard 'us'");
		assertThat(tenantRows(changed.getId())).containsExactly(Map.entry("eu", "EU/save-all-changed"));
		assertThat(tenantRows(unchanged.getId())).containsExactly(Map.entry("us", "US/save-all-unchanged"));
	}

	@Test
	void refusedFlushRollsBackTheTransactionsOtherWrites() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "with-note"));
		Throwable thrown = catchThrowable(() -> transaction().executeWithoutResult((status) -> {
			this.notes.save(new Note("EU", "written before the refused flush"));
			this.tenants.findById(tenant.getId()).orElseThrow().setRegion("US");
		}));
		assertThat(refusal(thrown)).hasMessageContaining("maps to shard 'us'");
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU/with-note"));
		for (String shard : List.of("eu", "us", "latam")) {
			assertThat(jdbc(shard).queryForObject("select count(*) from notes", Integer.class)).isZero();
		}
	}

	@Test
	void childReparentedToAnotherShardsParentIsRefusedAtCommit() {
		Tenant eu = this.tenants.save(new Tenant("EU", "parent-eu"));
		Tenant us = this.tenants.save(new Tenant("US", "parent-us"));
		Invoice invoice = this.invoices.save(new Invoice(eu, "OPEN"));
		Throwable thrown = catchThrowable(() -> transaction().executeWithoutResult((status) -> {
			Invoice loaded = this.invoices.findById(invoice.getId()).orElseThrow();
			loaded.setTenant(this.tenants.getReferenceById(us.getId()));
		}));
		assertThat(refusal(thrown)).hasMessageContaining("Invoice#" + invoice.getId())
			.hasMessageContaining("Invoice.tenant")
			.hasMessageContaining("loaded from shard 'eu'")
			.hasMessageContaining("maps to shard 'us'");
		assertThat(invoiceRows(invoice.getId())).containsExactly(Map.entry("eu", eu.getId()));
	}

	@Test
	void updatesThatKeepTheRowWhereItsKeyMapsAreCommitted() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "kept"));
		Tenant sibling = this.tenants.save(new Tenant("EU", "sibling"));
		Invoice invoice = this.invoices.save(new Invoice(tenant, "OPEN"));
		Note note = this.notes.save(new Note("US", "note"));
		transaction().executeWithoutResult((status) -> {
			Tenant loaded = this.tenants.findById(tenant.getId()).orElseThrow();
			loaded.setName("renamed"); // the key unchanged
			loaded.setRegion("EU-WEST"); // a new key of the same shard
			Invoice child = this.invoices.findById(invoice.getId()).orElseThrow();
			child.setStatus("PAID"); // the parent unchanged
		});
		transaction().executeWithoutResult((status) -> {
			Invoice child = this.invoices.findById(invoice.getId()).orElseThrow();
			child.setTenant(this.tenants.getReferenceById(sibling.getId())); // a parent of the same shard
		});
		transaction().executeWithoutResult((status) -> {
			this.notes.findByRegion("US").get(0).setText("edited");
		});
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU-WEST/renamed"));
		assertThat(invoiceRows(invoice.getId())).containsExactly(Map.entry("eu", sibling.getId()));
		assertThat(jdbc("eu").queryForObject("select status from invoices where id = ?", String.class,
				invoice.getId()))
			.isEqualTo("PAID");
		assertThat(jdbc("us").queryForObject("select text from notes where id = ?", String.class, note.getId()))
			.isEqualTo("edited");
	}

	@Test
	void saveOfAnEntityLoadedFromTheHomeShardWithAChangedKeyIsRefused() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "save-home"));
		Throwable thrown = catchThrowable(() -> transaction().executeWithoutResult((status) -> {
			Tenant loaded = this.tenants.findById(tenant.getId()).orElseThrow();
			loaded.setRegion("US");
			this.tenants.save(loaded);
		}));
		assertThat(thrown).isInstanceOf(ShardRoutingException.class)
			.hasMessageContaining("Tenant#" + tenant.getId())
			.hasMessageContaining("loaded from shard 'eu' whose @ShardKey now maps to shard 'us'");
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU/save-home"));
	}

	@Test
	void refusedSaveCaughtByTheCallerIsRefusedAgainAtCommit() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "caught"));
		Throwable thrown = catchThrowable(() -> transaction().executeWithoutResult((status) -> {
			Tenant loaded = this.tenants.findById(tenant.getId()).orElseThrow();
			loaded.setRegion("US");
			assertThat(catchThrowable(() -> this.tenants.save(loaded))).isInstanceOf(ShardRoutingException.class);
		}));
		assertThat(refusal(thrown)).hasMessageContaining("maps to shard 'us'");
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU/caught"));
	}

	@Test
	void saveOfADetachedEntityWithAChangedKeyIsRefusedByItsShardwiseId() {
		Tenant tenant = this.tenants.save(new Tenant("EU", "detached"));
		tenant.setRegion("US");
		assertThat(catchThrowable(() -> this.tenants.save(tenant))).isInstanceOf(ShardRoutingException.class)
			.hasMessageContaining("Tenant#" + tenant.getId())
			.hasMessageContaining("Shardwise id names shard 'eu'")
			.hasMessageContaining("now maps to shard 'us'");
		Invoice invoice = this.invoices.save(new Invoice(this.tenants.findByRegion("EU").get(0), "OPEN"));
		invoice.setTenant(this.tenants.save(new Tenant("US", "other parent")));
		assertThat(catchThrowable(() -> this.invoices.save(invoice))).isInstanceOf(ShardRoutingException.class)
			.hasMessageContaining("Shardwise id names shard 'eu'")
			.hasMessageContaining("now maps to shard 'us'");
		assertThat(tenantRows(tenant.getId())).containsExactly(Map.entry("eu", "EU/detached"));
		assertThat(invoiceRows(invoice.getId())).containsOnlyKeys("eu");
	}

	@Test
	void saveOfADetachedEntityWithoutAShardwiseIdIsRefusedWhereItWasLoadedFrom() {
		// Identity ids restarted alike: the Europe note and the America note share an id.
		for (String shard : List.of("eu", "us")) {
			jdbc(shard).execute("alter table notes alter column id restart with 500");
		}
		Note europe = this.notes.save(new Note("EU", "europe"));
		Note america = this.notes.save(new Note("US", "america"));
		assertThat(europe.getId()).isEqualTo(america.getId());
		Note loaded = this.notes.findByRegion("EU").get(0); // loaded, then detached
		for (Note note : List.of(europe, loaded)) {
			note.setRegion("US");
			note.setText("moved");
			assertThat(catchThrowable(() -> this.notes.save(note))).isInstanceOf(ShardRoutingException.class)
				.hasMessageContaining("loaded from shard 'eu' whose @ShardKey now maps to shard 'us'");
		}
		assertThat(jdbc("eu").queryForList("select region || '/' || text from notes", String.class))
			.containsExactly("EU/europe");
		assertThat(jdbc("us").queryForList("select region || '/' || text from notes", String.class))
			.containsExactly("US/america");
	}

}
