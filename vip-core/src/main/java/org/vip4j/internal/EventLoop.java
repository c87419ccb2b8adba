package org.vip4j.internal;

import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that decides. Everything that changes a VIP's state (DCS callbacks, confirmation results, stop)
 * is posted here as a task; between tasks the loop waits on its queue with the state machine's next deadline as
 * timeout, so there is no timer thread and no busy loop. Tests call {@link #runOnce(long)} themselves, with a
 * manual clock, and never start the thread.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class EventLoop {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    /** Upper bound on one wait, so a clock jump cannot put the loop to sleep for long. */
    private static final long MAX_WAIT_MS = 1_000;

    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Clock clock;
    private volatile VipStateMachine machine;
    private volatile boolean running = true;
    private volatile Thread thread;

    public EventLoop(Clock clock) {
        this.clock = clock;
    }

    /** Set once, before the loop runs. */
    public void attach(VipStateMachine stateMachine) {
        this.machine = stateMachine;
    }

    /** Queues {@code task}; never blocks. Tasks run in the order posted. */
    public void post(Runnable task) {
        queue.add(task);
    }

    /** Starts the loop thread. */
    public void start(String name) {
        Thread t = new Thread(this::run, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Ends the loop after the task being run; tasks still queued are dropped. */
    public void shutdown() {
        running = false;
        post(() -> { });
    }

    /** Whether tasks are waiting; for tests that run the loop by hand. */
    public boolean hasPending() {
        return !queue.isEmpty();
    }

    public boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Waits up to {@code millis} for the thread to end. */
    public boolean awaitTermination(long millis) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        t.join(Math.max(1, millis));
        return !t.isAlive();
    }

    public boolean isRunning() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    /**
     * Runs queued tasks, waiting at most {@code maxWaitMillis} (bounded by the next deadline) for the first, then
     * lets the state machine handle due deadlines.
     */
    public void runOnce(long maxWaitMillis) throws InterruptedException {
        long untilDeadline = machine.nextWakeMillis() - clock.millis();
        long wait = Math.max(0, Math.min(maxWaitMillis, untilDeadline));
        Runnable task = wait > 0 ? queue.poll(wait, TimeUnit.MILLISECONDS) : queue.poll();
        while (task != null && running) {
            runSafely(task);
            task = queue.poll();
        }
        if (running) {
            runSafely(machine::onTick);
        }
    }

    private void run() {
        try {
            while (running) {
                runOnce(MAX_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // a bug must not stop the loop that keeps the VIP where it belongs
            LOG.error("vip4j loop task failed; the loop goes on", e);
        }
    }
}
