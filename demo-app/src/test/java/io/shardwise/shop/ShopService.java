package io.shardwise.shop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.shardwise.ShardTemplate;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Ordinary {@code @Transactional} service code, unaware of shards.
 */
@Service
public class ShopService {

	private final CustomerRepository customers;

	private final OrderRepository orders;

	private final OrderLineRepository lines;

	private final ShardTemplate shardTemplate;

	@PersistenceContext
	private EntityManager entityManager;

	public ShopService(CustomerRepository customers, OrderRepository orders, OrderLineRepository lines,
			ShardTemplate shardTemplate) {
		this.customers = customers;
		this.orders = orders;
		this.lines = lines;
		this.shardTemplate = shardTemplate;
	}

	/** Creates a customer with one order of the given lines, in one transaction on one shard. */
	@Transactional
	public Order place(String number, String... products) {
		Customer customer = this.customers.findByNumber(number)
			.orElseGet(() -> this.customers.save(new Customer(number, "Customer " + number)));
		Order order = new Order(customer, "NEW", products.length * 10);
		for (String product : products) {
			order.addLine(product, 1);
		}
		return this.orders.save(order);
	}

	/** A fan-out inside a transaction, then lazy loads of every order's lines and customer. */
	@Transactional(readOnly = true)
	public Map<Long, String> linesOfEveryOrder() {
		return this.orders.findAll()
			.stream()
			.collect(Collectors.toMap(Order::getId, (order) -> order.getCustomer().getName() + ":"
					+ order.getLines().stream().map(OrderLine::getProduct).sorted().collect(Collectors.joining(","))));
	}

	/** Keyed by several customers on several shards, then lazy loads. */
	@Transactional(readOnly = true)
	public List<String> productsOf(List<Customer> customers) {
		List<String> products = new ArrayList<>();
		for (Order order : this.orders.findByCustomerIn(customers)) {
			order.getLines().forEach((line) -> products.add(line.getProduct()));
		}
		products.sort(null);
		return products;
	}

	/** Lookups by id on several shards in one read-only transaction, then lazy loads. */
	@Transactional(readOnly = true)
	public List<String> describe(List<Long> orderIds) {
		List<String> descriptions = new ArrayList<>();
		for (Long id : orderIds) {
			Order order = this.orders.findById(id).orElseThrow();
			descriptions.add(this.shardTemplate.shardOf(order) + "/" + order.getLoadedOnShard() + "/"
					+ order.getCustomer().getNumber() + "/" + order.getLines().size());
		}
		return descriptions;
	}

	/** Reads the same rows twice, through different calls. */
	@Transactional(readOnly = true)
	public boolean sameInstances(Long first, Long second) {
		Order a = this.orders.findById(first).orElseThrow();
		Order b = this.orders.findById(second).orElseThrow();
		List<Order> all = this.orders.findAll();
		return all.stream().anyMatch((order) -> order == a) && all.stream().anyMatch((order) -> order == b)
				&& this.orders.findById(first).orElseThrow() == a && this.orders.findById(second).orElseThrow() == b;
	}

	/** Pages, windows and streams inside a transaction stay managed. */
	@Transactional(readOnly = true)
	public List<Integer> lineCountsOfPagesWindowsAndStreams(String status) {
		List<Integer> counts = new ArrayList<>();
		Page<Order> page = this.orders.findByStatus(status, PageRequest.of(0, 3, Sort.by("total")));
		page.forEach((order) -> counts.add(order.getLines().size()));
		Window<Order> window = this.orders.findFirst5ByStatusOrderByIdAsc(status, ScrollPosition.keyset());
		window.forEach((order) -> counts.add(order.getLines().size()));
		try (Stream<Order> stream = this.orders.streamByStatus(status)) {
			stream.forEach((order) -> counts.add(order.getLines().size()));
		}
		return counts;
	}

	/** Reads on two shards, changes an entity of the second one only: one write shard. */
	@Transactional
	public void readOneShardChangeAnother(Long readId, Long changedId, String status) {
		this.orders.findById(readId).orElseThrow().getLines().size();
		this.orders.findById(changedId).orElseThrow().setStatus(status);
	}

	/** Changes entities of two shards: dirty checks on two shards. */
	@Transactional
	public void changeBoth(Long first, Long second, String status) {
		this.orders.findById(first).orElseThrow().setStatus(status);
		this.orders.findById(second).orElseThrow().setStatus(status);
	}

	/** Saves to one shard, then to another, catching the refusal and returning normally. */
	@Transactional
	public String saveTwoCatchingTheRefusal(Customer first, Customer second) {
		this.orders.save(new Order(first, "CAUGHT", 1));
		try {
			this.orders.save(new Order(second, "CAUGHT", 2));
			return "not refused";
		}
		catch (RuntimeException ex) {
			return ex.getMessage();
		}
	}

	/** A bulk update on one shard, then on another. */
	@Transactional
	public void bulkUpdateTwo(Customer first, Customer second) {
		this.orders.updateStatus(first, "BULK");
		this.orders.updateStatus(second, "BULK");
	}

	/** Refreshes an entity loaded from another shard than the transaction's first. */
	@Transactional
	public String refreshAfterOutsideChange(Long firstId, Long secondId, Consumer<Long> outsideChange) {
		this.orders.findById(firstId).orElseThrow();
		Order second = this.orders.findById(secondId).orElseThrow();
		outsideChange.accept(secondId);
		this.entityManager.refresh(second);
		return second.getStatus();
	}

	/** Builds a line from a reference, without loading the order. */
	@Transactional
	public OrderLine addLineByReference(Long orderId, String product) {
		return this.lines.save(new OrderLine(this.orders.getReferenceById(orderId), product, 1));
	}

}
