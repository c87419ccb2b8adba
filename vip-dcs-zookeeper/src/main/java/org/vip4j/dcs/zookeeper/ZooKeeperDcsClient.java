package org.vip4j.dcs.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * The ZooKeeper {@link DcsClient}: one Curator session and one thread of its own however many managers share it, and
 * one watch per znode however many managers follow it.
 *
 * <p>Curator's connection states, and what they mean here: SUSPENDED (the connection to the server is gone; the
 * session may still live on the ensemble) and LOST (Curator holds the session for expired, whether the server said so
 * or the session timeout passed while suspended) both deliver {@link LeaderObservation.Unreachable} to every watch: a
 * node does not act on what it cannot see, whatever becomes of the session, since vip4j owns no ephemeral znode.
 * CONNECTED and RECONNECTED re-read every watched znode and re-arm its watch (a new session has no watches; in the
 * same session the read finds what changed while the connection was down).
 */
final class ZooKeeperDcsClient implements DcsClient {

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperDcsClient.class);

    private final ConnectString connect;
    private final CuratorFramework curator;
    private final ScheduledExecutorService executor;
    private final long periodMs;
    private final Map<String, ZnodeWatch> watches = new ConcurrentHashMap<>();
    /** Completes when Curator reports a connection; replaced by a new one when it is lost. */
    private volatile CompletableFuture<Void> connected = new CompletableFuture<>();
    /** Null until Curator first reports. */
    private volatile ConnectionState state;
    private boolean closed;

    ZooKeeperDcsClient(VipConfig config, ConnectString connect) {
        this.connect = connect;
        this.periodMs = config.keepalivePeriod().toMillis();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vip4j-zookeeper");
            t.setDaemon(true);
            return t;
        });
        // ZooKeeper's client gives up on a silent server after 2/3 of the session timeout (pinging every 1/3): ask
        // for 1.5 keepalive-periods, so that a dead connection shows within one. The server may raise it to its
        // minSessionTimeout (2 ticks, 4 s with Debian's tickTime 2000); the negotiated value is logged
        int sessionMs = (int) Math.max(1_000, periodMs * 3 / 2);
        this.curator = CuratorFrameworkFactory.builder()
                .connectString(connect.value())
                .sessionTimeoutMs(sessionMs)
                .connectionTimeoutMs((int) Math.max(500, periodMs))
                // no retries inside Curator: a failed read is answered by the connection state (SUSPENDED, then a
                // re-read on RECONNECTED), and a retried read could land after a newer one
                .retryPolicy(new RetryNTimes(0, 0))
                .threadFactory(r -> {
                    Thread t = new Thread(r, "vip4j-zookeeper-curator");
                    t.setDaemon(true);
                    return t;
                })
                .build();
        curator.getConnectionStateListenable().addListener((c, s) -> onStateChange(s), executor);
        curator.start(); // connects in the background: create() must not wait for the DCS
        LOG.info("zookeeper client for {} (requested session timeout {} ms)", connect, sessionMs);
    }

    @Override
    public synchronized DcsWatch watch(String key, Consumer<LeaderObservation> sink) {
        if (closed) {
            throw new IllegalStateException("zookeeper client for " + connect + " is closed");
        }
        ZnodeWatch w = watches.computeIfAbsent(key, k -> {
            ZnodeWatch n = new ZnodeWatch(k, curator, executor, connect.toString(), periodMs);
            n.start(curator.getZookeeperClient().isConnected());
            return n;
        });
        w.add(sink);
        return new DcsWatch() {
            private boolean done;

            @Override
            public void close() {
                synchronized (ZooKeeperDcsClient.this) {
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

    /**
     * {@code sync} then {@code getData}, sent back to back: ZooKeeper answers a session's requests in order, and the
     * server holds the read until the sync has caught it up with the leader, so the read sees every write the quorum
     * committed before the sync. A server cut off from its quorum stops serving, so a minority gets no answer.
     */
    @Override
    public CompletableFuture<LeaderObservation> confirm(String key, Duration timeout) {
        CompletableFuture<LeaderObservation> result = new CompletableFuture<>();
        if (curator.getZookeeperClient().isConnected()) {
            send(key, result);
        } else {
            // connecting, or between servers: a connection within the deadline still gets an answer in time
            connected.thenRun(() -> send(key, result));
        }
        return result.completeOnTimeout(new LeaderObservation.Unreachable("zookeeper " + connect
                + ": linearizable read of " + key + " unanswered after " + timeout.toMillis() + " ms ("
                + (state == null ? "not connected yet" : "connection " + state) + ")"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void send(String key, CompletableFuture<LeaderObservation> result) {
        if (result.isDone()) {
            return;
        }
        AtomicReference<String> syncFailure = new AtomicReference<>();
        try {
            curator.sync().inBackground((c, e) -> {
                if (e.getResultCode() != KeeperException.Code.OK.intValue()) {
                    syncFailure.set("sync: " + KeeperException.Code.get(e.getResultCode()));
                }
            }).forPath(key);
            curator.getData().inBackground((c, e) -> result.complete(confirmed(key, e, syncFailure.get())))
                    .forPath(key);
        } catch (Exception e) {
            result.complete(new LeaderObservation.Unreachable("zookeeper " + connect + ": linearizable read of " + key
                    + " failed: " + e));
        }
    }

    private LeaderObservation confirmed(String key, CuratorEvent e, String syncFailure) {
        KeeperException.Code code = KeeperException.Code.get(e.getResultCode());
        if (syncFailure != null) {
            return new LeaderObservation.Unreachable("zookeeper " + connect + ": linearizable read of " + key
                    + " failed: " + syncFailure);
        }
        if (code == KeeperException.Code.OK) {
            byte[] data = e.getData() == null ? new byte[0] : e.getData();
            return new LeaderObservation.Leader(new String(data, StandardCharsets.UTF_8), e.getStat().getMzxid());
        }
        if (code == KeeperException.Code.NONODE) {
            return new LeaderObservation.NoLeader(0);
        }
        return new LeaderObservation.Unreachable("zookeeper " + connect + ": linearizable read of " + key
                + " failed: " + code);
    }

    /** On the client's thread, in the order Curator saw the changes. */
    private void onStateChange(ConnectionState s) {
        ConnectionState before = state;
        state = s;
        switch (s) {
            case CONNECTED, RECONNECTED -> {
                LOG.info("zookeeper {}: {} ({}){}", connect, s, session(),
                        watches.isEmpty() ? "" : "; re-reading " + watches.size() + " watched znode(s)");
                watches.values().forEach(ZnodeWatch::connected);
                connected.complete(null);
            }
            case SUSPENDED, LOST -> {
                String why = s == ConnectionState.SUSPENDED
                        ? "connection suspended (no server answered; the session may still live)"
                        : "session lost (expired, or not re-established within its timeout)";
                if (connected.isDone()) {
                    connected = new CompletableFuture<>();
                }
                LOG.warn("zookeeper {}: {} (was {})", connect, why, before == null ? "connecting" : before);
                watches.values().forEach(w -> w.disconnected("zookeeper " + connect + ": " + why));
            }
            default -> LOG.info("zookeeper {}: {}", connect, s);
        }
    }

    /** The current ZooKeeper handle, for tests that expire its session. */
    org.apache.zookeeper.ZooKeeper zooKeeperForTests() throws Exception {
        return curator.getZookeeperClient().getZooKeeper();
    }

    /** The session's id and negotiated timeout for the log; "unknown" when Curator has no handle. */
    private String session() {
        try {
            org.apache.zookeeper.ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
            return "session 0x" + Long.toHexString(zk.getSessionId()) + ", negotiated timeout "
                    + zk.getSessionTimeout() + " ms";
        } catch (Exception e) {
            return "session unknown";
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        watches.values().forEach(ZnodeWatch::close);
        watches.clear();
        curator.close();
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code task} on the client's thread; nothing once the client is closed. */
    static void onExecutor(ScheduledExecutorService executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nothing left to deliver
        }
    }
}
