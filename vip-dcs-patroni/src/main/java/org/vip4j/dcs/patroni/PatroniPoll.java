package org.vip4j.dcs.patroni;

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
 * Polls Patroni every {@code interval} on its own thread and delivers what changed. Patroni's REST API has no watch,
 * so this is the only way. Every answer is delivered (a repeat costs the manager nothing, and it may have acted on a
 * confirmation this poll never sampled); changes and an outage are logged once each.
 */
final class PatroniPoll implements DcsWatch, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PatroniPoll.class);

    private final PatroniRest rest;
    private final Consumer<LeaderObservation> sink;
    private final Duration interval;
    private final Duration timeout;
    private final Runnable onClose;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object sinkLock = new Object();
    private final Thread thread;
    private volatile CompletableFuture<LeaderObservation> inFlight;
    private LeaderObservation last; // guarded by sinkLock

    PatroniPoll(PatroniRest rest, Consumer<LeaderObservation> sink, Duration interval, Duration timeout,
            Runnable onClose) {
        this.rest = rest;
        this.sink = sink;
        this.interval = interval;
        this.timeout = timeout;
        this.onClose = onClose;
        this.thread = new Thread(this, "vip4j-patroni-poll " + rest.url());
        this.thread.setDaemon(true);
    }

    PatroniPoll start() {
        thread.start();
        return this;
    }

    @Override
    public void run() {
        while (!isClosed()) {
            long started = System.nanoTime();
            CompletableFuture<LeaderObservation> f = rest.get(timeout);
            inFlight = f;
            LeaderObservation obs;
            try {
                obs = f.get();
            } catch (CancellationException | InterruptedException e) {
                return;
            } catch (ExecutionException e) {
                obs = new LeaderObservation.Unreachable("Patroni poll of " + rest.url() + " failed: " + e.getCause());
            }
            if (isClosed()) {
                return;
            }
            deliver(obs);
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            try {
                closed.await(Math.max(0, interval.toMillis() - elapsed), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void deliver(LeaderObservation obs) {
        synchronized (sinkLock) {
            if (isClosed()) {
                return;
            }
            boolean outage = obs instanceof LeaderObservation.Unreachable;
            boolean wasOutage = last instanceof LeaderObservation.Unreachable;
            if (outage && wasOutage) {
                LOG.debug("Patroni still unreachable: {}", ((LeaderObservation.Unreachable) obs).reason());
                return;
            }
            if (obs.equals(last)) {
                // delivered again on purpose: a poll has no event stream to catch up from, and the manager may have
                // acted on a confirmation this poll never sampled (200 -> 503 -> 200 between two polls); a repeat
                // is cheap and the manager ignores what it already knows
                deliverQuietly(obs);
                return;
            }
            if (outage) {
                LOG.warn("Patroni REST API unreachable: {}", ((LeaderObservation.Unreachable) obs).reason());
            } else if (wasOutage) {
                LOG.info("Patroni REST API at {} answers again: HTTP {}", rest.url(),
                        ((LeaderObservation.Leader) obs).value());
            } else {
                LOG.debug("Patroni REST API at {} now answers HTTP {}", rest.url(),
                        ((LeaderObservation.Leader) obs).value());
            }
            last = obs;
            try {
                sink.accept(obs);
            } catch (RuntimeException e) {
                LOG.error("watch listener for Patroni {} threw on {}", rest.url(), obs, e);
            }
        }
    }

    private void deliverQuietly(LeaderObservation obs) {
        try {
            sink.accept(obs);
        } catch (RuntimeException e) {
            LOG.error("watch listener for Patroni {} threw on {}", rest.url(), obs, e);
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
        CompletableFuture<LeaderObservation> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
        onClose.run();
    }
}
