package org.vip4j.dcs.consul;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/** A {@link DcsClient} over Consul's KV HTTP API: blocking-query watches, {@code ?consistent} confirmations. */
final class ConsulClient implements DcsClient {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulClient.class);

    private final ConsulHttp http;
    private final ExecutorService executor;
    private final Duration wait;
    private final Duration keepalive;
    private final Set<ConsulWatch> watches = ConcurrentHashMap.newKeySet();
    private final Set<String> keysExplained = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param wait      how long Consul may hold a blocking query ({@code interval}): also the re-read period
     * @param keepalive deadline for a plain read, and the most a watch waits between retries after an error
     */
    ConsulClient(ConsulHttp http, ExecutorService executor, Duration wait, Duration keepalive) {
        this.http = http;
        this.executor = executor;
        this.wait = wait;
        this.keepalive = keepalive;
    }

    @Override
    public DcsWatch watch(String key, Consumer<LeaderObservation> sink) {
        if (closed) {
            throw new IllegalStateException("Consul client is closed");
        }
        String consulKey = consulKey(key);
        LOG.info("watching Consul key '{}' with blocking queries (wait {} ms)", consulKey, wait.toMillis());
        ConsulWatch[] self = new ConsulWatch[1];
        self[0] = new ConsulWatch(http, consulKey, sink, wait, keepalive, executor,
                () -> watches.remove(self[0]));
        watches.add(self[0]);
        return self[0].start();
    }

    @Override
    public CompletableFuture<LeaderObservation> confirm(String key, Duration timeout) {
        if (closed) {
            return CompletableFuture.completedFuture(new LeaderObservation.Unreachable("Consul client is closed"));
        }
        String consulKey = consulKey(key);
        long deadline = System.nanoTime() + timeout.toNanos();
        return http.read(consulKey, 0, wait, true, deadline)
                .thenApply(ConsulRead::observation)
                .completeOnTimeout(new LeaderObservation.Unreachable("no consistent read of Consul key '" + consulKey
                        + "' within " + timeout.toMillis() + " ms"), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Consul KV keys have no leading slash (Patroni writes {@code service/<scope>/leader}), while etcd-style trigger
     * keys have one; accept both and say once which key is read.
     */
    String consulKey(String triggerKey) {
        String k = triggerKey;
        while (k.startsWith("/")) {
            k = k.substring(1);
        }
        if (k.isEmpty()) {
            throw new IllegalArgumentException("trigger-key '" + triggerKey + "' names no Consul key");
        }
        if (!k.equals(triggerKey) && keysExplained.add(triggerKey)) {
            LOG.info("trigger-key '{}' read as Consul key '{}' (Consul keys have no leading slash)", triggerKey, k);
        }
        return k;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ConsulWatch w : watches) {
            w.close();
        }
        executor.shutdownNow();
    }
}
