package org.vip4j.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.Subscription;

/**
 * The loop's way to call the {@link AddressManager}: one call at a time, each under a deadline, so a hung netlink
 * socket or a misbehaving implementation cannot stop the loop. Calls run on the runtime's address-call threads; the
 * loop waits for one as a managed block, so a decision worker that waits is replaced by a spare for the other VIPs
 * meanwhile. A call that outlives its deadline is abandoned (interrupted) with its thread, and the next call gets
 * another.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class AddressCalls implements AutoCloseable {

    /** How long a call may take before the pool is told its worker waits; see {@link #quickAnswer}. */
    private static final long QUICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final AddressManager manager;
    private final VirtualAddress vip;
    private final Duration deadline;
    private final ExecutorService executor;
    private final boolean ownsExecutor;

    /** Calls on threads of its own, for tests and tools without a runtime; {@link #close()} ends them. */
    public AddressCalls(AddressManager manager, VirtualAddress vip, Duration deadline) {
        this(manager, vip, deadline, Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vip4j-net-" + vip.host());
            t.setDaemon(true);
            return t;
        }), true);
    }

    /** Calls on {@code executor} (a runtime's address-call threads), which stays open after {@link #close()}. */
    public AddressCalls(AddressManager manager, VirtualAddress vip, Duration deadline, ExecutorService executor) {
        this(manager, vip, deadline, executor, false);
    }

    private AddressCalls(AddressManager manager, VirtualAddress vip, Duration deadline, ExecutorService executor,
                         boolean ownsExecutor) {
        this.manager = manager;
        this.vip = vip;
        this.deadline = deadline;
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
    }

    public boolean isPresent() throws IOException {
        return call("checking for " + vip, () -> manager.isPresent(vip), deadline);
    }

    /** {@link #isPresent()} from a look at the interface up to {@code maxAge} old (see the SPI). */
    public boolean isPresent(Duration maxAge) throws IOException {
        return call("checking for " + vip, () -> manager.isPresent(vip, maxAge), deadline);
    }

    public void add() throws IOException {
        call("adding " + vip, () -> {
            manager.add(vip);
            return null;
        }, deadline);
    }

    public void remove() throws IOException {
        call("removing " + vip, () -> {
            manager.remove(vip);
            return null;
        }, deadline);
    }

    /**
     * Adds and then announces in one call on the address thread: the old holder of a handover lets go on the
     * announcement, so no wake-up of the loop may stand between the two (measured: up to 28 ms on a starved JVM).
     *
     * @return why announcing failed, when only that failed
     * @throws IOException when adding failed (nothing was announced)
     */
    public Optional<String> addAndAnnounce() throws IOException {
        return call("adding " + vip, () -> {
            manager.add(vip);
            try {
                manager.announce(vip);
                return Optional.<String>empty();
            } catch (IOException | RuntimeException e) {
                return Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }, deadline);
    }

    public void announce() throws IOException {
        call("announcing " + vip, () -> {
            manager.announce(vip);
            return null;
        }, deadline);
    }

    /**
     * Probes for another owner without waiting: {@code done} gets the owner (empty: nobody answered) or why the probe
     * failed, on the address-call thread. The call is interrupted when it outlives its window plus the deadline (the
     * state machine gave up on it by then).
     */
    public void probeLater(Duration window, ProbeDone done) {
        String what = "probing for another owner of " + vip;
        Future<?> task;
        try {
            task = executor.submit(() -> {
                try {
                    done.answered(manager.probeConflict(vip, window), null);
                } catch (IOException | RuntimeException e) {
                    done.answered(Optional.empty(), what + " failed: " + (e.getMessage() == null ? e : e.getMessage()));
                }
            });
        } catch (RejectedExecutionException e) {
            done.answered(Optional.empty(), what + " not started: the vip4j runtime's address-call threads are shut "
                    + "down");
            return;
        }
        CompletableFuture.delayedExecutor(window.plus(deadline).toNanos(), TimeUnit.NANOSECONDS)
                .execute(() -> task.cancel(true));
    }

    /** Where {@link #probeLater} reports. */
    @FunctionalInterface
    public interface ProbeDone {
        void answered(Optional<String> owner, String failure);
    }

    /** Where {@link #releaseOnClaim} reports, from the watch's thread; {@code removeFailure} null on success. */
    @FunctionalInterface
    public interface Released {
        void released(String owner, String removeFailure);
    }

    /**
     * The old holder's half of a make-before-break handover: listens for another host claiming the VIP and removes
     * it at once, on the watch's thread, without a round trip through the loop (the loop would add its own wake-up
     * and whatever it is doing to the two-owner window). The decision to let go on a claim was the state machine's,
     * taken when it started the handoff; after {@code cancel()} returns no removal starts.
     */
    public Cancellable releaseOnClaim(Duration probeEvery, Released done) {
        return releaseOnClaim(probeEvery, done, new AtomicBoolean());
    }

    /**
     * Runs {@link #releaseOnClaim} once with its decision already taken, so it cannot remove anything, and cancels
     * it: the first handover of a JVM then finds the watch's classes loaded, its lambdas linked and its thread code
     * run. Measured in the Patroni lab, a node's first handover spent 6 to 42 ms in starting the watch (a busy
     * 2-core host, a JVM seconds old), the old holder's whole head start on the next holder's add; later ones 1
     * to 3 ms.
     */
    public void warmUpReleaseOnClaim(Duration probeEvery, Released done) {
        releaseOnClaim(probeEvery, done, new AtomicBoolean(true)).cancel();
    }

    private Cancellable releaseOnClaim(Duration probeEvery, Released done, AtomicBoolean decided) {
        Subscription watch = manager.watchForClaim(vip, probeEvery, owner -> {
            if (!decided.compareAndSet(false, true)) {
                return;
            }
            String failure = null;
            try {
                manager.remove(vip);
            } catch (IOException | RuntimeException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            done.released(owner, failure);
        });
        return () -> {
            decided.compareAndSet(false, true);
            watch.close();
        };
    }

    @Override
    public void close() {
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    private <T> T call(String what, Callable<T> task, Duration limit) throws IOException {
        Future<T> future;
        try {
            future = executor.submit(task);
        } catch (RejectedExecutionException e) {
            throw new IOException(what + " not started: the vip4j runtime's address-call threads are shut down", e);
        }
        try {
            long deadline = System.nanoTime() + limit.toNanos();
            if (!quickAnswer(future, deadline)) {
                ForkJoinPool.managedBlock(new Wait(future, deadline));
            }
            if (!future.isDone()) {
                future.cancel(true);
                throw new IOException(what + " did not finish within " + Durations.format(limit)
                        + " (takeover-timeout); abandoned");
            }
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(what + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
    }

    /**
     * Waits up to {@link #QUICK_NANOS} without telling the pool: a netlink call answers in well under a millisecond,
     * and a spare worker started for every such wait would make threads out of a busy second. Only a call that
     * takes longer gets its spare.
     */
    private static boolean quickAnswer(Future<?> future, long deadline) throws InterruptedException {
        try {
            future.get(Math.min(QUICK_NANOS, Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // read from the future by the caller
        }
        return future.isDone();
    }

    /** Waiting for one call, told to the fork-join pool so it can run the other strands meanwhile. */
    private static final class Wait implements ForkJoinPool.ManagedBlocker {
        private final Future<?> future;
        private final long deadlineNanos;
        private boolean timedOut;

        Wait(Future<?> future, long deadlineNanos) {
            this.future = future;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public boolean block() throws InterruptedException {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                try {
                    future.get(left, TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // the caller reads the outcome from the future
                }
            }
            timedOut = !future.isDone();
            return true;
        }

        @Override
        public boolean isReleasable() {
            return future.isDone() || timedOut;
        }
    }
}
