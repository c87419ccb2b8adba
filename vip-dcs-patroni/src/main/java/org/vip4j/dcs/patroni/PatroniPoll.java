package org.vip4j.dcs.patroni;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * Polls Patroni every {@code interval} and delivers what changed, without a thread of its own: each answer schedules
 * the next poll (a JDK timer thread keeps the delays; the client's executor runs them). Patroni's REST API has no
 * watch, so this is the only way. Every answer is delivered (a repeat costs the manager nothing, and it may have
 * acted on a confirmation this poll never sampled); changes and an outage are logged once each.
 */
final class PatroniPoll implements DcsWatch {

    private static final Logger LOG = LoggerFactory.getLogger(PatroniPoll.class);

    private final PatroniRest rest;
    private final Consumer<LeaderObservation> sink;
    private final Duration interval;
    private final Duration timeout;
    private final Executor executor;
    private final Runnable onClose;
    private final Object sinkLock = new Object();
    private volatile boolean closed;
    private volatile CompletableFuture<LeaderObservation> inFlight;
    private LeaderObservation last; // guarded by sinkLock

    PatroniPoll(PatroniRest rest, Consumer<LeaderObservation> sink, Duration interval, Duration timeout,
            Executor executor, Runnable onClose) {
        this.rest = rest;
        this.sink = sink;
        this.interval = interval;
        this.timeout = timeout;
        this.executor = executor;
        this.onClose = onClose;
    }

    PatroniPoll start() {
        later(0);
        return this;
    }

    private void poll() {
        if (closed) {
            return;
        }
        long started = System.nanoTime();
        CompletableFuture<LeaderObservation> f;
        try {
            f = rest.get(timeout);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        inFlight = f;
        if (closed) {
            f.cancel(true);
            return;
        }
        f.whenComplete((answer, err) -> {
            if (closed) {
                return; // closed while asking, the request cancelled with it
            }
            deliver(err == null ? answer : new LeaderObservation.Unreachable("Patroni poll of " + rest.url()
                    + " failed: " + (err instanceof CompletionException && err.getCause() != null ? err.getCause()
                    : err)));
            later(interval.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        });
    }

    /** The next poll after {@code millis}, on the client's executor. */
    private void later(long millis) {
        if (closed) {
            return;
        }
        Executor e = millis <= 0 ? executor : CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, executor);
        try {
            e.execute(this::poll);
        } catch (RejectedExecutionException rejected) {
            // the client is closing
        }
    }

    private void deliver(LeaderObservation obs) {
        synchronized (sinkLock) {
            if (closed) {
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

    @Override
    public void close() {
        synchronized (sinkLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CompletableFuture<LeaderObservation> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
        onClose.run();
    }
}
