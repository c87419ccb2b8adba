package org.vip4j.dcs.consul;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * Follows one key with Consul blocking queries, on its own thread.
 *
 * <p>The loop, after Consul's "blocking queries" guidance: read without an index (the current state), then ask
 * again with {@code ?index=<X-Consul-Index>&wait=<interval>}; Consul holds that request until the key changes or
 * the wait ends, so the blocking query is also the periodic re-read and a healthy idle watch costs one request per
 * {@code interval}. An index that goes backwards (a snapshot restore, a new cluster) resets to 0, i.e. a plain
 * re-read; an index of 0 is sent as 1 so that a buggy server cannot turn the loop into a busy one. After an error
 * the watch reports {@link LeaderObservation.Unreachable} once, then retries with a backoff capped at the
 * keepalive period and re-reads from index 0, so no change made during the outage is missed.
 */
final class ConsulWatch implements DcsWatch, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulWatch.class);
    /** First retry after an error; doubles up to the keepalive period. */
    private static final long FIRST_BACKOFF_MS = 50;
    /** Least time between two requests that come back early without a new index (spurious wake-ups). */
    private static final long SAME_INDEX_GAP_MS = 50;

    private final ConsulHttp http;
    private final String key;
    private final Consumer<LeaderObservation> sink;
    private final Duration wait;
    private final Duration keepalive;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object sinkLock = new Object();
    private final Thread thread;
    private final Runnable onClose;
    private volatile CompletableFuture<ConsulRead> inFlight;
    private LeaderObservation last; // guarded by sinkLock
    private boolean zeroIndexReported; // watch thread only

    ConsulWatch(ConsulHttp http, String key, Consumer<LeaderObservation> sink, Duration wait, Duration keepalive,
            Runnable onClose) {
        this.http = http;
        this.onClose = onClose;
        this.key = key;
        this.sink = sink;
        this.wait = wait;
        this.keepalive = keepalive;
        this.thread = new Thread(this, "vip4j-consul-watch " + key);
        this.thread.setDaemon(true);
    }

    ConsulWatch start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        long index = 0;
        long backoffMs = 0;
        while (!isClosed()) {
            long started = System.nanoTime();
            Duration timeout = index > 0 ? wait.plus(wait.dividedBy(16)).plus(keepalive) : keepalive;
            ConsulRead read = read(index, started + timeout.toNanos());
            if (read == null || isClosed()) {
                return; // closed while waiting
            }
            if (read.failed()) {
                LeaderObservation.Unreachable u = (LeaderObservation.Unreachable) read.observation();
                if (backoffMs == 0) {
                    LOG.warn("Consul watch of '{}' lost: {}; retrying", key, u.reason());
                } else {
                    LOG.debug("Consul watch of '{}' still failing: {}", key, u.reason());
                }
                deliver(u);
                index = 0;
                backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(backoffMs * 2, keepalive.toMillis());
                pause(backoffMs);
                continue;
            }
            if (backoffMs > 0) {
                LOG.info("Consul watch of '{}' is back: {}", key, read.observation());
                backoffMs = 0;
            }
            deliver(read.observation());
            long got = read.index();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (got == 0) {
                // a Consul bug of old versions; index 0 would make every query return at once
                if (!zeroIndexReported) {
                    zeroIndexReported = true;
                    LOG.warn("Consul answered X-Consul-Index 0 for '{}': blocking from index 1 instead", key);
                }
                index = 1;
                pause(SAME_INDEX_GAP_MS - elapsedMs);
            } else if (got > index) {
                index = got;
            } else if (got < index) {
                LOG.info("Consul index of '{}' went backwards from {} to {} (snapshot restore or new cluster?): "
                        + "re-reading from 0", key, index, got);
                index = 0;
                pause(SAME_INDEX_GAP_MS - elapsedMs);
            } else {
                // the wait ended without a change, or a write that did not touch the value woke us
                pause(SAME_INDEX_GAP_MS - elapsedMs);
            }
        }
    }

    private ConsulRead read(long index, long deadlineNanos) {
        CompletableFuture<ConsulRead> f = http.read(key, index, wait, false, deadlineNanos);
        inFlight = f;
        if (isClosed()) {
            f.cancel(true);
            return null;
        }
        try {
            return f.get();
        } catch (CancellationException | InterruptedException e) {
            return null;
        } catch (ExecutionException e) {
            return ConsulRead.failure("Consul read of '" + key + "' failed: " + e.getCause());
        }
    }

    private void deliver(LeaderObservation obs) {
        synchronized (sinkLock) {
            if (isClosed() || obs.equals(last)) {
                return;
            }
            if (obs instanceof LeaderObservation.Unreachable && last instanceof LeaderObservation.Unreachable) {
                return; // one report per outage; the reason is in the log
            }
            last = obs;
            try {
                sink.accept(obs);
            } catch (RuntimeException e) {
                LOG.error("watch listener for Consul key '{}' threw on {}", key, obs, e);
            }
        }
    }

    private void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    @Override
    public void close() {
        synchronized (sinkLock) {
            if (isClosed()) {
                return;
            }
            closed.countDown();
        }
        CompletableFuture<ConsulRead> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
        onClose.run();
    }
}
