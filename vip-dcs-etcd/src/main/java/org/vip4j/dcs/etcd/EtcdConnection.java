package org.vip4j.dcs.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;

/**
 * The jetcd client behind an {@link EtcdDcsClient}, and the means to replace it. gRPC backs off reconnects up to two
 * minutes; after a long outage the old channel could stay down long after etcd is back. So when calls fail while an
 * endpoint accepts TCP connections again, the client is rebuilt: a new channel connects at once.
 */
final class EtcdConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdConnection.class);
    /** At most one rebuild in this period, so a flapping endpoint cannot churn channels. */
    private static final long MIN_REBUILD_GAP_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long REBUILD_LOG_GAP_NANOS = Duration.ofSeconds(30).toNanos();

    private final VipConfig config;
    private final List<URI> endpoints;
    private final ClientThreads threads = new ClientThreads();
    private volatile Client client;
    private volatile int generation;
    private long lastRebuild = System.nanoTime();
    private long rebuildLoggedAt = System.nanoTime() - REBUILD_LOG_GAP_NANOS;
    private int rebuildsUnlogged;
    private boolean closed;

    EtcdConnection(VipConfig config) {
        this.config = config;
        this.endpoints = config.dcsEndpoints();
        this.client = build();
    }

    /** The current client; changes after {@link #rebuildIfReachable()}. */
    Client client() {
        return client;
    }

    /** Bumped on every rebuild, so watches know to re-open on the new client. */
    int generation() {
        return generation;
    }

    /** Endpoints for log lines: no credentials ever appear in them. */
    String describe() {
        return endpoints.toString().replaceAll("(://[^/@:]*:)[^/@]*@", "$1*****@");
    }

    /**
     * Called after a failed call: if some endpoint accepts TCP connections, the failure is the channel's (backoff,
     * stale connection), not etcd's, and a fresh client will do better.
     *
     * @return true when the client was rebuilt
     */
    boolean rebuildIfReachable() {
        if (!mayRebuild() || !anyEndpointAcceptsTcp()) {
            return false;
        }
        // the probe runs without the lock: it can take up to 500 ms, and reconnect() is called from a manager's
        // decision thread (which waited 24-63 ms behind it in the lab, its confirmation with it)
        int rebuilds;
        synchronized (this) {
            if (!mayRebuild()) {
                return false;
            }
            rebuild();
            rebuildsUnlogged++;
            if (System.nanoTime() - rebuildLoggedAt < REBUILD_LOG_GAP_NANOS) {
                return true;
            }
            rebuildLoggedAt = System.nanoTime();
            rebuilds = rebuildsUnlogged;
            rebuildsUnlogged = 0;
        }
        // a member cut off from its quorum accepts connections and answers nothing: then this repeats every
        // second for as long as the partition lasts, and one line per half minute says so
        LOG.info("etcd {}: calls failed while an endpoint accepts TCP connections (a stale channel, or a member "
                + "without quorum); rebuilt the client, so gRPC's reconnect backoff cannot delay recovery ({} "
                + "rebuild(s) since the last such line)", describe(), rebuilds);
        return true;
    }

    /**
     * A fresh client for the next calls, whatever the old one's state: {@code why} the old connection may wait out
     * TCP's retransmission backoff. No network I/O (the new channel connects on its first call); at most one
     * rebuild a second, since every manager on an interface asks.
     */
    synchronized void reconnect(String why) {
        if (!mayRebuild()) {
            return;
        }
        long start = System.nanoTime();
        rebuild();
        LOG.info("etcd {}: {}; reconnecting at once rather than after TCP's retransmission backoff ({} us)",
                describe(), why, (System.nanoTime() - start) / 1_000);
    }

    /**
     * Names, once, each endpoint whose host name does not resolve here: the client serves from the others and
     * would otherwise never say why one of them is not used. Blocks on the name service: call it off the
     * decision path.
     */
    void warnUnresolvable() {
        for (URI u : endpoints) {
            try {
                InetAddress.getAllByName(u.getHost());
            } catch (UnknownHostException e) {
                LOG.warn("etcd endpoint host {} does not resolve on this host ({}); the other endpoints of {} serve "
                        + "meanwhile", u.getHost(), e.getMessage(), describe());
            }
        }
    }

    private synchronized boolean mayRebuild() {
        return !closed && System.nanoTime() - lastRebuild >= MIN_REBUILD_GAP_NANOS;
    }

    private void rebuild() {
        Client old = client;
        client = build();
        generation++;
        lastRebuild = System.nanoTime();
        old.close();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            client.close();
            threads.close();
        }
    }

    private boolean anyEndpointAcceptsTcp() {
        int timeout = (int) Math.min(500, config.keepalivePeriod().toMillis());
        for (URI u : endpoints) {
            int port = u.getPort() > 0 ? u.getPort() : 2379;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), port), timeout);
                return true;
            } catch (IOException e) {
                // try the next endpoint
            }
        }
        return false;
    }

    private Client build() {
        ClientBuilder b = Client.builder()
                .endpoints(endpoints.stream().map(EtcdConnection::withoutUserInfo).toArray(URI[]::new))
                // calls must fail while the channel is down, not wait for it: every caller has a deadline
                .waitForReady(false)
                .connectTimeout(config.keepalivePeriod())
                // jetcd's own retries must fit inside our deadlines; the watch and the loop retry anyway
                .retryChronoUnit(ChronoUnit.MILLIS)
                .retryDelay(20)
                .retryMaxDelay(100)
                .retryMaxDuration(config.keepalivePeriod().plusMillis(200))
                .retryMaxAttempts(2)
                .interceptor(threads.interceptor())
                .executorService(threads.tasks());
        config.etcdUser().ifPresent(u -> b.user(ByteSequence.from(u, StandardCharsets.UTF_8)));
        config.etcdPassword().ifPresent(p -> b.password(ByteSequence.from(p, StandardCharsets.UTF_8)));
        if (usesTls()) {
            try {
                b.sslContext(ssl -> {
                    config.etcdCaFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
                    if (config.etcdCertFile().isPresent() && config.etcdKeyFile().isPresent()) {
                        ssl.keyManager(config.etcdCertFile().get().toFile(), config.etcdKeyFile().get().toFile());
                    }
                });
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("etcd TLS settings (etcd-ca-file, etcd-cert-file, etcd-key-file) "
                        + "cannot be used: " + e.getMessage() + " (the key must be PEM, PKCS#8 or PKCS#1)", e);
            }
        }
        return b.build();
    }

    private boolean usesTls() {
        boolean https = endpoints.stream().anyMatch(u -> "https".equals(u.getScheme().toLowerCase(Locale.ROOT)));
        return https || config.etcdCaFile().isPresent() || config.etcdCertFile().isPresent();
    }

    private static URI withoutUserInfo(URI u) {
        return URI.create(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : ""));
    }
}
