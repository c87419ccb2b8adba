package org.vip4j.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.Subscription;

/**
 * The loop's way to call the {@link AddressManager}: one call at a time, each under a deadline, so a hung netlink
 * socket or a misbehaving implementation cannot stop the loop. A call that outlives its deadline is abandoned with
 * its thread, and the next call gets a fresh one.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class AddressCalls implements AutoCloseable {

    private final AddressManager manager;
    private final VirtualAddress vip;
    private final Duration deadline;
    private ExecutorService executor;

    public AddressCalls(AddressManager manager, VirtualAddress vip, Duration deadline) {
        this.manager = manager;
        this.vip = vip;
        this.deadline = deadline;
        this.executor = newExecutor();
    }

    public boolean isPresent() throws IOException {
        return call("checking for " + vip, () -> manager.isPresent(vip), deadline);
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

    public Optional<String> probe(Duration window) throws IOException {
        return call("probing for another owner of " + vip, () -> manager.probeConflict(vip, window),
                window.plus(deadline));
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
    public synchronized void close() {
        executor.shutdownNow();
    }

    private <T> T call(String what, Callable<T> task, Duration limit) throws IOException {
        Future<T> future;
        synchronized (this) {
            future = executor.submit(task);
        }
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            abandonStuckThread();
            throw new IOException(what + " did not finish within " + Durations.format(limit)
                    + " (takeover-timeout); abandoned");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(what + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
    }

    private synchronized void abandonStuckThread() {
        executor.shutdownNow();
        executor = newExecutor();
    }

    private ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vip4j-net-" + vip.host());
            t.setDaemon(true);
            return t;
        });
    }
}
