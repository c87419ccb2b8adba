package org.vip4j.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every VIP of a runtime shares, so their number does not grow with the VIPs:
 * <ul>
 *   <li><b>decisions</b>: a small fork-join pool that runs each VIP's loop as a strand (one task at a time per VIP,
 *   see {@link EventLoop}). A loop that waits on an address call says so ({@link ForkJoinPool#managedBlock}), and
 *   the pool starts a spare worker for the others meanwhile: one VIP's stuck call never holds up another VIP's
 *   decision, and the spare goes away ten seconds after it is no longer needed.</li>
 *   <li><b>timer</b>: one thread that wakes strands at their deadlines (on {@link System#nanoTime}).</li>
 *   <li><b>address calls</b>: the calls into the address managers, each under its deadline; a thread exists only
 *   while calls run (a hung call keeps its own, abandoned, and the next call gets another).</li>
 *   <li><b>events</b>: listeners registered without an executor, each manager's in order (see
 *   {@link SerialExecutor}), off the decision pool, so a listener that blocks delays only events.</li>
 * </ul>
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class RuntimeThreads implements AutoCloseable {

    /** Decision workers; enough for two cores' worth of work, a spare is added for each loop that waits. */
    static final int DECISION_THREADS = 2;
    static final int EVENT_THREADS = 2;
    /**
     * More loops waiting at once than this run without a spare (they still end at their call's deadline). Small on
     * purpose: a wait that long is mostly a host out of CPU, not a hung call, and more threads make that worse
     * (1000 VIPs starting on 2 cores grew the pool to 258 workers with 256 spares).
     */
    private static final int MAX_SPARES = 2;
    /** How long a spare or address-call thread outlives its last task; they are cheap to start again. */
    private static final long IDLE_SECONDS = 10;

    private final ForkJoinPool decisions;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor addressCalls;
    private final ThreadPoolExecutor events;

    public RuntimeThreads(String prefix) {
        AtomicInteger decisionNo = new AtomicInteger();
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
            ForkJoinWorkerThread t = new ForkJoinWorkerThread(pool) { };
            t.setName(prefix + "-decide-" + decisionNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // asyncMode: strands are independent tasks, run in the order posted
        this.decisions = new ForkJoinPool(DECISION_THREADS, factory, null, true, 0, DECISION_THREADS + MAX_SPARES,
                1, pool -> true, IDLE_SECONDS, TimeUnit.SECONDS);
        this.timer = new ScheduledThreadPoolExecutor(1, named(prefix + "-timer"));
        timer.setRemoveOnCancelPolicy(true); // deadlines move all the time: cancelled ones must not pile up
        this.addressCalls = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), named(prefix + "-net"));
        this.events = new ThreadPoolExecutor(EVENT_THREADS, EVENT_THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named(prefix + "-events"));
        events.allowCoreThreadTimeOut(true);
    }

    public ForkJoinPool decisions() {
        return decisions;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public ExecutorService addressCalls() {
        return addressCalls;
    }

    public ExecutorService events() {
        return events;
    }

    /** Stops every thread; strands and calls still running are interrupted. */
    @Override
    public void close() {
        timer.shutdownNow();
        decisions.shutdownNow();
        addressCalls.shutdownNow();
        events.shutdown();
    }

    private static ThreadFactory named(String name) {
        AtomicInteger no = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + no.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
