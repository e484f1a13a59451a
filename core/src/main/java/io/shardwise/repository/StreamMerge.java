package io.shardwise.repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.shardwise.fanout.FanOutExecutor;
import io.shardwise.fanout.ShardFanOutException;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.routing.Shard;
import io.shardwise.routing.ShardContext;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.data.domain.Sort;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Merges the {@code Stream} results of several shards lazily. Each shard's stream is
 * read by a producer thread inside its own read-only transaction (streaming queries need
 * one) into a small bounded buffer; the returned stream merges the buffers' heads in
 * order (or drains them one after the other when unordered). Memory stays bounded by the
 * buffers whatever the number of rows. Closing the returned stream stops the producers
 * and ends their transactions: close it, as any JPA stream.
 */
final class StreamMerge {

	private static final int BUFFER = 256;

	private static final Object END = new Object();

	private StreamMerge() {
	}

	static Stream<Object> open(RepositoryMethod plan, Map<Shard, MethodInvocation> calls, Comparator<Object> order,
			Sort loadInShard, int limit, FanOutExecutor executor, PlatformTransactionManager transactionManager) {
		TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
		readOnly.setReadOnly(true);
		List<Producer> producers = new ArrayList<>();
		calls.forEach((shard, call) -> {
			Producer producer = new Producer(shard, loadInShard);
			producer.thread = executor.startThread("shardwise-stream-" + shard.id(), () -> producer.run(() -> {
				executor.run(ShardCallKind.FAN_OUT, plan.describe(), shard,
						() -> readOnly.execute((status) -> producer.drain(call)));
				return null;
			}));
			producers.add(producer);
		});
		return merged(producers, order, limit);
	}

	/**
	 * Opens every shard's stream on the calling thread, inside its transaction's unit of
	 * work (each shard's EntityManager keeps its rows managed), and merges them lazily on
	 * that thread: no producer threads, since the shards' EntityManagers belong to it.
	 */
	static Stream<Object> openInTransaction(RepositoryMethod plan, Map<Shard, MethodInvocation> calls,
			Comparator<Object> order, int limit, FanOutExecutor executor) {
		List<OpenStream> streams = new ArrayList<>();
		try {
			for (Map.Entry<Shard, MethodInvocation> call : calls.entrySet()) {
				Stream<?> rows = (Stream<?>) executor.run(ShardCallKind.FAN_OUT, plan.describe(), call.getKey(),
						call.getValue()::proceed);
				streams.add(new OpenStream(call.getKey(), rows));
			}
		}
		catch (Throwable ex) {
			streams.forEach(OpenStream::stop);
			if (ex instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex);
		}
		return merged(streams, order, limit);
	}

	private static Stream<Object> merged(List<? extends Source> sources, Comparator<Object> order, int limit) {
		Iterator<Object> merged = (order != null) ? new OrderedIterator(sources, order) : new ConcatIterator(sources);
		Iterator<Object> limited = (limit >= 0) ? new LimitIterator(merged, limit) : merged;
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(limited, Spliterator.ORDERED), false)
			.onClose(() -> sources.forEach(Source::stop));
	}

	/**
	 * One shard's rows, taken one at a time.
	 */
	private interface Source {

		/** Returns the next row, or {@link #END}. */
		Object take();

		void stop();

	}

	/**
	 * A shard's stream read on the calling thread.
	 */
	private static final class OpenStream implements Source {

		private final Shard shard;

		private final Stream<?> rows;

		private final Iterator<?> iterator;

		OpenStream(Shard shard, Stream<?> rows) {
			this.shard = shard;
			this.rows = rows;
			this.iterator = rows.iterator();
		}

		@Override
		public Object take() {
			try {
				return this.iterator.hasNext() ? this.iterator.next() : END;
			}
			catch (RuntimeException ex) {
				Map<String, Throwable> failures = new LinkedHashMap<>();
				failures.put(this.shard.id(), ex);
				throw new ShardFanOutException("Stream", failures);
			}
		}

		@Override
		public void stop() {
			this.rows.close();
		}

	}

	private static final class Producer implements Source {

		private final Shard shard;

		private final BlockingQueue<Object> buffer = new ArrayBlockingQueue<>(BUFFER);

		private volatile Thread thread;

		private volatile boolean stopped;

		/** The order whose values are read before a row leaves its shard's session, or {@code null}. */
		private final Sort loadInShard;

		Producer(Shard shard, Sort loadInShard) {
			this.shard = shard;
			this.loadInShard = loadInShard;
		}

		void run(ShardContext.Action<Void> body) {
			try {
				body.run();
				put(END);
			}
			catch (Throwable ex) {
				if (!this.stopped) {
					put(new Failure(ex));
				}
			}
		}

		Object drain(MethodInvocation call) {
			try (Stream<?> rows = (Stream<?>) call.proceed()) {
				Iterator<?> iterator = rows.iterator();
				while (!this.stopped && iterator.hasNext()) {
					Object row = iterator.next();
					if (this.loadInShard != null) {
						// The merge compares it on another thread, perhaps after this session closed.
						EntityOrder.load(this.loadInShard, row);
					}
					this.buffer.put(row);
				}
				return null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Stream of shard '" + this.shard.id() + "' closed", ex);
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new IllegalStateException(ex);
			}
		}

		private void put(Object item) {
			try {
				this.buffer.put(item);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public Object take() {
			Object item;
			try {
				item = this.buffer.take();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ShardFanOutException("Stream", Map.of(this.shard.id(), ex));
			}
			if (item instanceof Failure failure) {
				Map<String, Throwable> failures = new LinkedHashMap<>();
				failures.put(this.shard.id(), failure.cause());
				throw new ShardFanOutException("Stream", failures);
			}
			return item;
		}

		@Override
		public void stop() {
			this.stopped = true;
			Thread producer = this.thread;
			if (producer != null) {
				producer.interrupt();
			}
		}

	}

	private record Failure(Throwable cause) {
	}

	private static final class OrderedIterator implements Iterator<Object> {

		private final List<? extends Source> producers;

		private final PriorityQueue<Head> heads;

		private boolean started;

		OrderedIterator(List<? extends Source> producers, Comparator<Object> order) {
			this.producers = producers;
			this.heads = new PriorityQueue<>(Math.max(1, producers.size()), (a, b) -> {
				int result = order.compare(a.row(), b.row());
				return (result != 0) ? result : Integer.compare(a.producer(), b.producer());
			});
		}

		@Override
		public boolean hasNext() {
			if (!this.started) {
				this.started = true;
				for (int i = 0; i < this.producers.size(); i++) {
					advance(i);
				}
			}
			return !this.heads.isEmpty();
		}

		@Override
		public Object next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			Head head = this.heads.poll();
			advance(head.producer());
			return head.row();
		}

		private void advance(int producer) {
			Object row = this.producers.get(producer).take();
			if (row != END) {
				this.heads.add(new Head(row, producer));
			}
		}

		private record Head(Object row, int producer) {
		}

	}

	private static final class ConcatIterator implements Iterator<Object> {

		private final List<? extends Source> producers;

		private int current;

		private Object next;

		ConcatIterator(List<? extends Source> producers) {
			this.producers = producers;
		}

		@Override
		public boolean hasNext() {
			while (this.next == null && this.current < this.producers.size()) {
				Object row = this.producers.get(this.current).take();
				if (row == END) {
					this.current++;
				}
				else {
					this.next = row;
				}
			}
			return this.next != null;
		}

		@Override
		public Object next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			Object row = this.next;
			this.next = null;
			return row;
		}

	}

	private static final class LimitIterator implements Iterator<Object> {

		private final Iterator<Object> delegate;

		private int remaining;

		LimitIterator(Iterator<Object> delegate, int limit) {
			this.delegate = delegate;
			this.remaining = limit;
		}

		@Override
		public boolean hasNext() {
			return this.remaining > 0 && this.delegate.hasNext();
		}

		@Override
		public Object next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			this.remaining--;
			return this.delegate.next();
		}

	}

}
