package org.vip4j.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one VIP decides. Everything that changes a VIP's state (DCS callbacks, confirmation results, stop) is
 * posted here as a task and runs one at a time, in order. Started on a {@link RuntimeThreads}, the loop is a strand:
 * it has no thread of its own; a post or its next deadline (the runtime's timer) hands it to a decision worker,
 * which runs the queued tasks and one tick of the state machine and lets it go again. So a thousand VIPs cost a
 * few threads, there is no busy loop, and the next wake-up is always the machine's next deadline. Tests call
 * {@link #runOnce(long)} themselves, with a manual clock, and never start it.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class EventLoop {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    /** Upper bound on one sleep; the timer is monotonic, so this only bounds the cost of a missed wake-up. */
    private static final long MAX_WAIT_MS = 1_000;
    /**
     * What the loop waits when the machine asks, right after a tick, to be woken in the past: a bug (some deadline
     * nobody consumes), logged once, which must cost a few wake-ups a second and not a core.
     */
    private static final long PAST_WAKE_BACKOFF_MS = 50;
    /** A wake-up this late, or a turn this long, is said in the log: every deadline of the VIP slips with it. */
    static final long LATE_MS = 250;
    private static final long LATE_LOG_GAP_MS = 30_000;

    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Ticker clock;
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicLong pastWakeups = new AtomicLong();
    private final AtomicLong taskFailures = new AtomicLong();
    private volatile VipStateMachine machine;
    /** Loop-thread only: no deadline wake-up before this, set when the machine asked for one in the past. */
    private long notBefore = Long.MIN_VALUE;
    private volatile boolean running = true;
    /** The worker running this strand right now, else null. */
    private volatile Thread thread;
    private volatile RuntimeThreads threads;
    /** Whether a worker has this strand (queued or running); the one hand-over point between posts and drains. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Drain-only (handed between workers through {@link #scheduled}): the timer's wake-up and when it fires. */
    private ScheduledFuture<?> wake;
    private long wakeAt = Long.MIN_VALUE;
    /** When the timer last handed this strand to the workers (timer thread writes, drain reads). */
    private volatile long timerFiredAt = Long.MIN_VALUE;
    /** Drain-only: how long the last turn took. */
    private long lastTurnMs;
    private final AtomicLong lateWakeups = new AtomicLong();
    /**
     * One line per {@link #LATE_LOG_GAP_MS} for the whole process: a stalled timer makes every VIP's loop late at
     * once, and a thousand lines would bury the VIPs' own.
     */
    private static final AtomicLong LATE_LOGGED_AT = new AtomicLong(Long.MIN_VALUE);
    private static final AtomicLong LATE_UNLOGGED = new AtomicLong();

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
        if (threads != null) {
            schedule();
        }
    }

    /** Starts running on {@code runtime}'s decision workers, with a first tick now. */
    public void start(RuntimeThreads runtime) {
        this.threads = runtime;
        schedule();
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

    /** Whether the caller runs this loop's tasks right now. */
    public boolean isLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** Waits up to {@code millis} for the loop to run its last task; true at once if it never started. */
    public boolean awaitTermination(long millis) throws InterruptedException {
        return threads == null || terminated.await(Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    /** How many times the loop woke up (a task or a deadline) since it was made; for tests and health checks. */
    public long wakeups() {
        return wakeups.get();
    }

    /** How many ticks left a deadline in the past behind them (a bug if ever above 0); for tests. */
    public long pastWakeups() {
        return pastWakeups.get();
    }

    /** How many times the loop ran {@link #LATE_MS} or more after its deadline; for tests. */
    public long lateWakeups() {
        return lateWakeups.get();
    }

    /** How many tasks (or ticks) threw; each is a bug, logged, and the loop went on. */
    public long taskFailures() {
        return taskFailures.get();
    }

    public boolean isRunning() {
        return running && threads != null && terminated.getCount() > 0;
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

    /** Hands the strand to a worker unless one has it already. */
    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            threads.decisions().execute(this::drain);
        } catch (RejectedExecutionException e) {
            scheduled.set(false);
            LOG.debug("vip4j loop: the runtime's decision workers are shut down; task dropped");
        }
    }

    /** One turn of the strand on a decision worker: the queued tasks, a tick, the next wake-up. */
    private void drain() {
        thread = Thread.currentThread();
        long start = clock.millis();
        noteLateness(start);
        try {
            runOnce(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the runtime is shutting down
        } finally {
            thread = null;
        }
        lastTurnMs = clock.millis() - start;
        if (!running) {
            if (wake != null) {
                wake.cancel(false);
            }
            terminated.countDown();
            return; // scheduled stays set: no worker takes this strand again
        }
        armWake();
        scheduled.set(false);
        if (!queue.isEmpty()) {
            schedule(); // posted while this turn was ending
        }
    }

    /**
     * Says where the time went when this turn starts {@link #LATE_MS} or more after the deadline it was woken for:
     * the timer, a queue for the decision workers, or the previous turn; the VIP's own lines then say what slipped.
     */
    private void noteLateness(long now) {
        long late = now - wakeAt;
        if (wake == null || late < LATE_MS || wakeAt == Long.MIN_VALUE) {
            return;
        }
        long fired = timerFiredAt;
        lateWakeups.incrementAndGet();
        long unlogged = LATE_UNLOGGED.incrementAndGet();
        long logged = LATE_LOGGED_AT.get();
        if (logged != Long.MIN_VALUE && now - logged < LATE_LOG_GAP_MS || !LATE_LOGGED_AT.compareAndSet(logged, now)) {
            return;
        }
        LATE_UNLOGGED.addAndGet(-unlogged);
        String timer = fired >= wakeAt ? "the runtime's timer fired " + (fired - wakeAt) + " ms late, then this "
                + "strand waited " + (now - fired) + " ms for a decision worker"
                : "the runtime's timer had not fired (its thread could not run)";
        LOG.warn("vip4j loop: a turn began {} ms after the deadline it was due at ({}; the previous turn took {} ms): "
                + "this host is too busy or this process was stalled, and every deadline of the VIP slipped with it "
                + "({} late turn(s) of this process's VIPs since the last such line)", late, timer, lastTurnMs,
                unlogged);
    }

    private void timerFired() {
        timerFiredAt = clock.millis();
        schedule();
    }

    private void armWake() {
        long now = clock.millis();
        long at = Math.min(Math.max(machine.nextWakeMillis(), notBefore), now + MAX_WAIT_MS);
        if (wake != null && !wake.isDone() && wakeAt == at) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
        }
        wakeAt = at;
        try {
            wake = threads.timer().schedule(this::timerFired, Math.max(0, at - now), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            wake = null; // shutting down
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
