package org.vip4j.dcs.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsElections;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * The etcd v3 {@link DcsClient}: one jetcd connection and one thread, however many managers share it, and one watch
 * per key however many managers follow that key.
 */
final class EtcdDcsClient implements DcsClient {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdDcsClient.class);

    private final EtcdConnection connection;
    private final ScheduledExecutorService executor;
    private final long periodMs;
    private final long deadlineMs;
    /** Changed under the client's lock; read without it by the executor thread. */
    private final Map<String, KeyWatch> watches = new ConcurrentHashMap<>();
    private boolean closed;
    private final EtcdElections elections;

    EtcdDcsClient(VipConfig config) {
        this.connection = new EtcdConnection(config);
        this.elections = new EtcdElections(connection);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vip4j-etcd");
            t.setDaemon(true);
            return t;
        });
        // the re-read backs the watch every interval, but an outage must show within about one keepalive-period
        this.periodMs = Math.min(config.interval().toMillis(), config.keepalivePeriod().toMillis());
        this.deadlineMs = config.keepalivePeriod().toMillis();
        LOG.info("etcd client for {} (user: {}, TLS: {})", connection.describe(),
                config.etcdUser().orElse("none"), config.etcdCaFile().map(Object::toString)
                        .orElse(config.dcsEndpoints().stream().anyMatch(u -> "https".equals(u.getScheme()))
                                ? "system trust store" : "off"));
        executor.execute(connection::warnUnresolvable);
    }

    @Override
    public synchronized DcsWatch watch(String key, Consumer<LeaderObservation> sink) {
        if (closed) {
            throw new IllegalStateException("etcd client for " + connection.describe() + " is closed");
        }
        KeyWatch w = watches.computeIfAbsent(key, k -> new KeyWatch(k, connection, executor, periodMs, deadlineMs));
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
        ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
        CompletableFuture<LeaderObservation> read = HedgedRead.start(() -> connection.client().getKVClient().get(k),
                timeout.toMillis() / 2, executor)
                .thenApply(r -> {
                    onExecutor(() -> confirmedOnExecutor(key, r));
                    return Observations.of(r);
                });
        return read
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((obs, err) -> {
                    if (err == null) {
                        return obs;
                    }
                    onExecutor(connection::rebuildIfReachable);
                    return new LeaderObservation.Unreachable("etcd " + connection.describe()
                            + ": linearizable read of " + key + " failed: " + Observations.reason(err));
                });
    }

    @Override
    public Optional<DcsElections> elections() {
        return Optional.of(elections);
    }

    @Override
    public void reconnect(String why) {
        connection.reconnect(why);
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
