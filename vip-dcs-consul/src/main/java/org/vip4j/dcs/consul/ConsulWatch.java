package org.vip4j.dcs.consul;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * Follows one key with Consul blocking queries, without a thread of its own: each query's answer sends the next
 * one from its callback, so a process following a hundred keys waits on a hundred sockets, not a hundred threads.
 *
 * <p>The loop, after Consul's "blocking queries" guidance: read without an index (the current state), then ask
 * again with {@code ?index=<X-Consul-Index>&wait=<interval>}; Consul holds that request until the key changes or
 * the wait ends, so the blocking query is also the periodic re-read and a healthy idle watch costs one request per
 * {@code interval}. An index that goes backwards (a snapshot restore, a new cluster) resets to 0, i.e. a plain
 * re-read; an index of 0 is sent as 1 so that a buggy server cannot turn the loop into a busy one. After an error
 * the watch reports {@link LeaderObservation.Unreachable} once, then retries with a backoff capped at the
 * keepalive period and re-reads from index 0, so no change made during the outage is missed.
 *
 * <p>One query is on its way at a time, and each step starts from the callback of the one before, so the fields
 * below are only ever touched by one thread at a time (the futures order them).
 */
final class ConsulWatch implements DcsWatch {

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
    private final Executor executor;
    private final Object sinkLock = new Object();
    private final Runnable onClose;
    private volatile boolean closed;
    private volatile CompletableFuture<ConsulRead> inFlight;
    private LeaderObservation last; // guarded by sinkLock
    private boolean zeroIndexReported;

    ConsulWatch(ConsulHttp http, String key, Consumer<LeaderObservation> sink, Duration wait, Duration keepalive,
            Executor executor, Runnable onClose) {
        this.http = http;
        this.onClose = onClose;
        this.key = key;
        this.sink = sink;
        this.wait = wait;
        this.keepalive = keepalive;
        this.executor = executor;
    }

    ConsulWatch start() {
        later(0, () -> query(0, 0));
        return this;
    }

    private void query(long index, long backoffMs) {
        if (closed) {
            return;
        }
        long started = System.nanoTime();
        Duration timeout = index > 0 ? wait.plus(wait.dividedBy(16)).plus(keepalive) : keepalive;
        CompletableFuture<ConsulRead> f;
        try {
            f = http.read(key, index, wait, false, started + timeout.toNanos());
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(ConsulRead.failure("Consul read of '" + key + "' failed: " + e));
        }
        inFlight = f;
        if (closed) {
            f.cancel(true);
            return;
        }
        f.whenComplete((read, err) -> {
            if (closed) {
                return; // closed while waiting, the request cancelled with it
            }
            ConsulRead r = err == null ? read
                    : ConsulRead.failure("Consul read of '" + key + "' failed: " + ConsulHttp.unwrap(err));
            answered(r, index, backoffMs, started);
        });
    }

    private void answered(ConsulRead read, long index, long backoffMs, long started) {
        if (read.failed()) {
            LeaderObservation.Unreachable u = (LeaderObservation.Unreachable) read.observation();
            if (backoffMs == 0) {
                LOG.warn("Consul watch of '{}' lost: {}; retrying", key, u.reason());
            } else {
                LOG.debug("Consul watch of '{}' still failing: {}", key, u.reason());
            }
            deliver(u);
            long next = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(backoffMs * 2, keepalive.toMillis());
            later(next, () -> query(0, next));
            return;
        }
        if (backoffMs > 0) {
            LOG.info("Consul watch of '{}' is back: {}", key, read.observation());
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
            later(SAME_INDEX_GAP_MS - elapsedMs, () -> query(1, 0));
        } else if (got > index) {
            later(0, () -> query(got, 0));
        } else if (got < index) {
            LOG.info("Consul index of '{}' went backwards from {} to {} (snapshot restore or new cluster?): "
                    + "re-reading from 0", key, index, got);
            later(SAME_INDEX_GAP_MS - elapsedMs, () -> query(0, 0));
        } else {
            // the wait ended without a change, or a write that did not touch the value woke us
            later(SAME_INDEX_GAP_MS - elapsedMs, () -> query(index, 0));
        }
    }

    /** Runs {@code next} on the client's executor after {@code millis}; a JDK timer thread keeps every delay. */
    private void later(long millis, Runnable next) {
        if (closed) {
            return;
        }
        Executor e = millis <= 0 ? executor : CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, executor);
        try {
            e.execute(next);
        } catch (RejectedExecutionException rejected) {
            // the client is closing: nothing more to follow
        }
    }

    private void deliver(LeaderObservation obs) {
        synchronized (sinkLock) {
            if (closed || obs.equals(last)) {
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

    @Override
    public void close() {
        synchronized (sinkLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CompletableFuture<ConsulRead> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
        onClose.run();
    }
}
