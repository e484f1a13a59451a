package io.shardwise.demo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.shardwise.autoconfigure.observation.ShardCallObserverPart;
import io.shardwise.observation.ShardCallKind;
import io.shardwise.observation.ShardCallObserver;
import io.shardwise.routing.Shard;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Counts the fan-outs of each operation (such as {@code ReportRepository.findAll}),
 * through an observer part of the application's own observer: how many rounds a deep
 * page took.
 */
@TestConfiguration(proxyBeanMethods = false)
class FanOutCounter {

	private final Map<String, AtomicInteger> fanOuts = new ConcurrentHashMap<>();

	@Bean
	ShardCallObserverPart fanOutCounterPart() {
		return new ShardCallObserverPart(ShardCallObserverPart.MDC_ORDER + 1, new ShardCallObserver() {

			@Override
			public <T> T observeFanOut(ShardCallKind kind, String operation, List<Shard> shards, Supplier<T> fanOut) {
				FanOutCounter.this.fanOuts.computeIfAbsent(operation, (key) -> new AtomicInteger()).incrementAndGet();
				return fanOut.get();
			}

		});
	}

	/**
	 * Run a call and return how many fan-outs it ran of the operations named
	 * {@code ...}{@code suffix}, such as {@code .findAll}.
	 */
	int fanOuts(String suffix, Runnable call) {
		int before = count(suffix);
		call.run();
		return count(suffix) - before;
	}

	private int count(String suffix) {
		int count = 0;
		for (Map.Entry<String, AtomicInteger> fanOuts : this.fanOuts.entrySet()) {
			count += fanOuts.getKey().endsWith(suffix) ? fanOuts.getValue().get() : 0;
		}
		return count;
	}

}
