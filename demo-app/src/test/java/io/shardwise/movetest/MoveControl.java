package io.shardwise.movetest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.shardwise.move.MoveObserver;
import io.shardwise.move.MovePhase;
import io.shardwise.move.MoveStatus;

import org.springframework.stereotype.Component;

/**
 * Lets a test act inside a move: crash it (as if the mover died) at some progress event
 * of a phase, hold it in a phase, or run something there.
 */
@Component
class MoveControl implements MoveObserver {

	private volatile MovePhase phase;

	private volatile int afterEvents;

	private volatile String action;

	private volatile Consumer<MoveStatus> work;

	private volatile CountDownLatch held;

	private volatile CountDownLatch release;

	private int events;

	volatile boolean crashed;

	void crashIn(MovePhase phase, int afterEvents) {
		arm(phase, afterEvents, "crash");
	}

	void runIn(MovePhase phase, Consumer<MoveStatus> work) {
		this.work = work;
		arm(phase, 0, "run");
	}

	/** Hold the mover at the start of a phase until {@link #release()}; returns once it is held. */
	CountDownLatch holdIn(MovePhase phase) {
		this.held = new CountDownLatch(1);
		this.release = new CountDownLatch(1);
		arm(phase, 0, "hold");
		return this.held;
	}

	void release() {
		this.release.countDown();
	}

	private synchronized void arm(MovePhase phase, int afterEvents, String action) {
		this.events = 0;
		this.crashed = false;
		this.afterEvents = afterEvents;
		this.action = action;
		this.phase = phase;
	}

	@Override
	public void progress(MoveStatus status) {
		String todo;
		synchronized (this) {
			if (status.phase() != this.phase || this.events++ < this.afterEvents) {
				return;
			}
			todo = this.action;
			this.phase = null;
		}
		switch (todo) {
			case "crash" -> {
				this.crashed = true;
				throw new IllegalStateException("Simulated crash of the mover in phase " + status.phase());
			}
			case "run" -> this.work.accept(status);
			case "hold" -> {
				this.held.countDown();
				try {
					this.release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			default -> throw new IllegalStateException(todo);
		}
	}

}
