package io.shardwise.movetest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.shardwise.placement.StalePlacementException;

import org.springframework.core.NestedExceptionUtils;

/**
 * Threads that write and read customers, orders and lines through the repositories of
 * one or more instances, remembering every acknowledged write, retrying writes that the
 * placement fence refuses, and measuring throughput and write latency.
 */
class MoveWorkload {

	/** Customer id by its expected name; only the creating thread renames it. */
	final Map<Long, String> customers = new ConcurrentHashMap<>();

	/** Order id by the ids of its lines. */
	final Map<Long, List<Long>> orders = new ConcurrentHashMap<>();

	final Set<String> errors = ConcurrentHashMap.newKeySet();

	final AtomicLong operations = new AtomicLong();

	final AtomicLong writes = new AtomicLong();

	final AtomicLong refusedWrites = new AtomicLong();

	final AtomicLong maxWriteNanos = new AtomicLong();

	private final List<MoveTestInstance> instances;

	private final int threads;

	private final List<Thread> running = new ArrayList<>();

	private volatile boolean stop;

	/**
	 * @param instances the instances, used round-robin by the threads; those but the first
	 * see each switch late (stale instances), and must still find every row
	 * @param threads the number of threads
	 */
	MoveWorkload(List<MoveTestInstance> instances, int threads) {
		this.instances = instances;
		this.threads = threads;
	}

	/**
	 * Continue the expectations of an earlier workload (after a restart) on new instances.
	 */
	MoveWorkload(List<MoveTestInstance> instances, int threads, MoveWorkload earlier) {
		this(instances, threads);
		this.customers.putAll(earlier.customers);
		this.orders.putAll(earlier.orders);
	}

	void start() {
		for (int t = 0; t < this.threads; t++) {
			MoveTestInstance instance = this.instances.get(t % this.instances.size());
			boolean stale = t % this.instances.size() != 0;
			int number = t;
			Thread thread = new Thread(() -> run(instance, stale, number), "move-workload-" + t);
			thread.start();
			this.running.add(thread);
		}
	}

	void stop() throws InterruptedException {
		this.stop = true;
		for (Thread thread : this.running) {
			thread.join(60_000);
		}
	}

	void resetMaxWrite() {
		this.maxWriteNanos.set(0);
	}

	private void run(MoveTestInstance instance, boolean stale, int number) {
		CustomerRepository customers = instance.bean(CustomerRepository.class);
		PurchaseOrderRepository orders = instance.bean(PurchaseOrderRepository.class);
		List<Long> mine = new ArrayList<>();
		Map<Long, List<Long>> myOrders = new java.util.HashMap<>();
		int sequence = 0;
		while (!this.stop) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			int dice = random.nextInt(100);
			try {
				if (dice < 30 || mine.isEmpty()) {
					String key = "t" + number + "-" + (sequence++);
					Customer saved = write(() -> {
						Customer customer = new Customer(key, "name-" + key);
						PurchaseOrder order = customer.addOrder(random.nextInt(1000));
						order.addLine("sku-a", 1);
						order.addLine("sku-b", 2);
						return customers.save(customer);
					});
					PurchaseOrder order = saved.getOrders().get(0);
					this.orders.put(order.getId(), order.getLines().stream().map(OrderLine::getId).toList());
					myOrders.computeIfAbsent(saved.getId(), (id) -> new ArrayList<>()).add(order.getId());
					this.customers.put(saved.getId(), saved.getName());
					mine.add(saved.getId());
				}
				else if (dice < 55) {
					Long id = mine.get(random.nextInt(mine.size()));
					PurchaseOrder saved = write(() -> {
						Customer customer = customers.findById(id).orElseThrow(() -> new IllegalStateException("lost customer " + id));
						PurchaseOrder order = new PurchaseOrder(customer, random.nextInt(1000));
						order.addLine("sku-c", 3);
						return orders.save(order);
					});
					this.orders.put(saved.getId(), saved.getLines().stream().map(OrderLine::getId).toList());
					myOrders.computeIfAbsent(id, (key) -> new ArrayList<>()).add(saved.getId());
				}
				else if (dice < 70) {
					Long id = mine.get(random.nextInt(mine.size()));
					String name = "renamed-" + random.nextInt(1_000_000);
					write(() -> {
						Customer customer = customers.findById(id).orElseThrow(() -> new IllegalStateException("lost customer " + id));
						customer.setName(name);
						return customers.save(customer);
					});
					this.customers.put(id, name);
				}
				else if (dice < 75) {
					Long id = mine.get(random.nextInt(mine.size()));
					List<Long> ofCustomer = myOrders.getOrDefault(id, List.of());
					if (ofCustomer.size() > 1) {
						Long orderId = ofCustomer.get(0);
						write(() -> {
							orders.deleteById(orderId);
							return null;
						});
						ofCustomer.remove(0);
						this.orders.remove(orderId);
					}
				}
				else {
					List<Long> all = new ArrayList<>(this.customers.keySet());
					if (!all.isEmpty()) {
						Long id = all.get(random.nextInt(all.size()));
						if (customers.findById(id).isEmpty()) {
							this.errors.add("findById(" + id + ") found nothing" + (stale ? " (stale instance)" : ""));
						}
					}
				}
				this.operations.incrementAndGet();
			}
			catch (RuntimeException ex) {
				this.errors.add(describe(ex) + (stale ? " (stale instance)" : ""));
			}
		}
	}

	<T> T writeRetrying(Supplier<T> write) {
		return write(write);
	}

	/** Run a write, retrying it (from scratch) while the placement fence refuses it. */
	private <T> T write(Supplier<T> write) {
		long start = System.nanoTime();
		for (int attempt = 0;; attempt++) {
			try {
				T result = write.get();
				long took = System.nanoTime() - start;
				this.maxWriteNanos.accumulateAndGet(took, Math::max);
				this.writes.incrementAndGet();
				return result;
			}
			catch (RuntimeException ex) {
				if (!isStale(ex) || attempt >= 500) {
					throw ex;
				}
				this.refusedWrites.incrementAndGet();
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/** The failure and its root cause, which a wrapper such as "Could not commit" hides. */
	static String describe(Throwable ex) {
		Throwable root = NestedExceptionUtils.getMostSpecificCause(ex);
		return (root == ex) ? ex.toString() : ex + ", caused by " + root;
	}

	static boolean isStale(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof StalePlacementException) {
				return true;
			}
		}
		return false;
	}

	List<String> errorSample() {
		List<String> sample = new ArrayList<>(this.errors);
		Collections.sort(sample);
		return sample.subList(0, Math.min(10, sample.size()));
	}

}
