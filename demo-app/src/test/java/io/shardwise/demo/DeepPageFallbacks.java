package io.shardwise.demo;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Records, while open, the deep pages of {@code findAll} that gave up their boundary
 * search for the ordinary page (which is exact too, so only this tells a search that
 * never works from one that does).
 */
final class DeepPageFallbacks implements AutoCloseable {

	private final Logger logger = (Logger) LoggerFactory.getLogger("io.shardwise.repository.DeepPage");

	private final Level level = this.logger.getLevel();

	private final ListAppender<ILoggingEvent> events = new ListAppender<>();

	DeepPageFallbacks() {
		this.events.start();
		this.logger.addAppender(this.events);
		this.logger.setLevel(Level.DEBUG);
	}

	/** The messages of the fallbacks so far. */
	List<String> messages() {
		return this.events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.events);
		this.logger.setLevel(this.level);
	}

}
