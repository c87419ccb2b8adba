package org.vip4j.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
    /** Upper bound on one wait; the ticker is monotonic, so this only bounds the cost of a missed wake-up. */
    private static final long MAX_WAIT_MS = 1_000;
    /**
     * What the loop waits when the machine asks, right after a tick, to be woken in the past: a bug (some deadline
     * nobody consumes), logged once, which must cost a few wake-ups a second and not a core.
     */
    private static final long PAST_WAKE_BACKOFF_MS = 50;

    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Ticker clock;
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicLong pastWakeups = new AtomicLong();
    private final AtomicLong taskFailures = new AtomicLong();
    private volatile VipStateMachine machine;
    /** Loop-thread only: no deadline wake-up before this, set when the machine asked for one in the past. */
    private long notBefore = Long.MIN_VALUE;
    private volatile boolean running = true;
    private volatile Thread thread;

    public EventLoop(Ticker clock) {
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

    /** How many times the loop woke up (a task or a deadline) since it was made; for tests and health checks. */
    public long wakeups() {
        return wakeups.get();
    }

    /** How many ticks left a deadline in the past behind them (a bug if ever above 0); for tests. */
    public long pastWakeups() {
        return pastWakeups.get();
    }

    /** How many tasks (or ticks) threw; each is a bug, logged, and the loop went on. */
    public long taskFailures() {
        return taskFailures.get();
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
        long untilDeadline = Math.max(machine.nextWakeMillis(), notBefore) - clock.millis();
        long wait = Math.max(0, Math.min(maxWaitMillis, untilDeadline));
        Runnable task = wait > 0 ? queue.poll(wait, TimeUnit.MILLISECONDS) : queue.poll();
        wakeups.incrementAndGet();
        while (task != null && running) {
            runSafely(task);
            task = queue.poll();
        }
        if (running) {
            long now = clock.millis();
            runSafely(machine::onTick);
            long next = machine.nextWakeMillis();
            if (next <= now) {
                // tasks still wake the loop at once; only the deadline that nobody consumes waits
                notBefore = now + PAST_WAKE_BACKOFF_MS;
                if (pastWakeups.getAndIncrement() == 0) {
                    LOG.error("vip4j loop: after a tick at {} ms the state machine asks to be woken at {} ms, in state "
                            + "{}; a bug (a deadline nobody consumes): backing off {} ms instead of spinning", now,
                            next, machine.state(), PAST_WAKE_BACKOFF_MS);
                }
            }
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

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            taskFailures.incrementAndGet();
            // a bug must not stop the loop that keeps the VIP where it belongs
            LOG.error("vip4j loop task failed; the loop goes on", e);
        }
    }
}
