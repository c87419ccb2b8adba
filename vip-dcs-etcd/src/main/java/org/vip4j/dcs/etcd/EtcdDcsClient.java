package org.vip4j.dcs.etcd;

import io.etcd.jetcd.kv.GetResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * The etcd v3 {@link DcsClient}: one jetcd connection and one thread, however many managers share it, one watch
 * per key however many managers follow that key, and the confirmations asked together sent as one request.
 */
final class EtcdDcsClient implements DcsClient {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdDcsClient.class);

    private final EtcdConnection connection;
    private final ScheduledExecutorService executor;
    private final long periodMs;
    private final long deadlineMs;
    /** Changed under the client's lock; read without it by the executor thread. */
    private final Map<String, KeyWatch> watches = new ConcurrentHashMap<>();
    private final ConfirmBatcher confirms;
    private final AtomicBoolean channelCheckQueued = new AtomicBoolean();
    /** The executor thread's: whether the watch streams are alive, one progress request a period for all keys. */
    private final StreamHealth health;
    private boolean closed;

    EtcdDcsClient(VipConfig config) {
        this.connection = new EtcdConnection(config);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vip4j-etcd");
            t.setDaemon(true);
            return t;
        });
        // the re-read backs the watch every interval, but an outage must show within about one keepalive-period
        this.periodMs = Math.min(config.interval().toMillis(), config.keepalivePeriod().toMillis());
        this.deadlineMs = config.keepalivePeriod().toMillis();
        this.confirms = new ConfirmBatcher(ConfirmBatcher.over(connection), executor, deadlineMs);
        this.health = new StreamHealth(TimeUnit.MILLISECONDS.toNanos(periodMs),
                TimeUnit.MILLISECONDS.toNanos(deadlineMs), System.nanoTime());
        LOG.info("etcd client for {} (user: {}, TLS: {})", connection.describe(),
                config.etcdUser().orElse("none"), config.etcdCaFile().map(Object::toString)
                        .orElse(config.dcsEndpoints().stream().anyMatch(u -> "https".equals(u.getScheme()))
                                ? "system trust store" : "off"));
    }

    @Override
    public synchronized DcsWatch watch(String key, Consumer<LeaderObservation> sink) {
        if (closed) {
            throw new IllegalStateException("etcd client for " + connection.describe() + " is closed");
        }
        KeyWatch w = watches.computeIfAbsent(key, k -> new KeyWatch(k, connection, executor, periodMs, deadlineMs,
                health, confirms::read));
        w.add(sink);
        return new DcsWatch() {
            private boolean done;

            @Override
            public void close() {
                synchronized (EtcdDcsClient.this) {
                    if (done) {
                        return;
                    }
                    done = true;
                    if (w.remove(sink) && watches.get(key) == w) {
                        watches.remove(key);
                        w.close();
                    }
                }
            }
        };
    }

    @Override
    public CompletableFuture<LeaderObservation> confirm(String key, Duration timeout) {
        CompletableFuture<LeaderObservation> read;
        try {
            read = confirms.read(key).thenApply(r -> {
                onExecutor(() -> confirmedOnExecutor(key, r));
                return Observations.of(r);
            });
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((obs, err) -> {
                    if (err == null) {
                        return obs;
                    }
                    checkChannel();
                    return new LeaderObservation.Unreachable("etcd " + connection.describe()
                            + ": linearizable read of " + key + " failed: " + Observations.reason(err));
                });
    }

    /**
     * After a failed confirmation: whether a fresh channel would do better. Once for the many confirmations a
     * failed batch or an outage fails together: each check may wait on a TCP connect.
     */
    private void checkChannel() {
        if (channelCheckQueued.compareAndSet(false, true)) {
            onExecutor(() -> {
                channelCheckQueued.set(false);
                connection.rebuildIfReachable();
            });
        }
    }

    /** Runs a follow-up of a confirmation on the client's thread; none once the client is closed. */
    private void onExecutor(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nothing left to follow up
        }
    }

    private void confirmedOnExecutor(String key, GetResponse r) {
        health.confirmed(System.nanoTime());
        KeyWatch w = watches.get(key); // not under the client's lock: close() holds it while this thread finishes
        if (w != null) {
            w.confirmed(r);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        watches.values().forEach(KeyWatch::close);
        watches.clear();
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
