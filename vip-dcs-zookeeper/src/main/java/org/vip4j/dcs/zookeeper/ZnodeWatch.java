package org.vip4j.dcs.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.LeaderObservation;

/**
 * One znode followed for every sink that watches it. ZooKeeper's watches fire once: every read sets one again
 * ({@code exists} with a watch, which fires on create, change and delete alike, then {@code getData}), every event
 * and every (re)connection reads again. ZooKeeper answers a session's requests in order and delivers its events in
 * order, so what is read is never older than what was delivered before; a read that finds the same znode version
 * (mzxid) again delivers nothing. Fast changes between two reads are seen as their latest state, never out of order.
 *
 * <p>All state lives on the client's thread; Curator's callbacks and watch events only hop onto it.
 */
final class ZnodeWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ZnodeWatch.class);

    private final String path;
    private final CuratorFramework curator;
    private final ScheduledExecutorService executor;
    private final String where;
    private final long periodMs;
    private final List<Consumer<LeaderObservation>> sinks = new CopyOnWriteArrayList<>();
    private final Watcher watcher = this::onEvent;
    /** The connection a read belongs to: an answer from before the latest connection change is stale. */
    private long connection;
    private LeaderObservation last;
    private ScheduledFuture<?> notConnectedYet;
    private ScheduledFuture<?> retry;
    /** Set under the watch's lock, which {@link #deliver} holds too: after close() returns no sink is called. */
    private volatile boolean closed;

    ZnodeWatch(String path, CuratorFramework curator, ScheduledExecutorService executor, String where,
               long periodMs) {
        this.path = path;
        this.curator = curator;
        this.executor = executor;
        this.where = where;
        this.periodMs = periodMs;
    }

    /** Reads now when connected; otherwise says Unreachable once a keepalive-period has passed without a connection. */
    void start(boolean connected) {
        ZooKeeperDcsClient.onExecutor(executor, () -> {
            if (connected) {
                read();
            } else {
                notConnectedYet = executor.schedule(() -> {
                    if (last == null && !closed) {
                        deliver(new LeaderObservation.Unreachable("zookeeper " + where + ": no connection within "
                                + periodMs + " ms of watching " + path));
                    }
                }, periodMs, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Adds a sink; it gets the last observation at once, if there is one. */
    void add(Consumer<LeaderObservation> sink) {
        sinks.add(sink);
        ZooKeeperDcsClient.onExecutor(executor, () -> {
            synchronized (this) {
                if (last != null && !closed && sinks.contains(sink)) {
                    sink.accept(last);
                }
            }
        });
    }

    /** Removes a sink, which is not called after this returns; true when none is left. */
    synchronized boolean remove(Consumer<LeaderObservation> sink) {
        sinks.remove(sink);
        return sinks.isEmpty();
    }

    void close() {
        synchronized (this) {
            closed = true;
            sinks.clear();
        }
        ZooKeeperDcsClient.onExecutor(executor, () -> {
            if (notConnectedYet != null) {
                notConnectedYet.cancel(false);
            }
            try {
                // the watch would fire once more and be ignored; removing it locally needs no answer from the server
                curator.watchers().remove(watcher).locally().inBackground().forPath(path);
            } catch (Exception e) {
                LOG.debug("zookeeper {}: removing the watch on {}: {}", where, path, e.toString());
            }
        });
    }

    /** On the client's thread: a (new) connection; the watch may be gone with an old session, so read again. */
    void connected() {
        connection++;
        if (notConnectedYet != null) {
            notConnectedYet.cancel(false);
            notConnectedYet = null;
        }
        read();
    }

    /** On the client's thread: the connection is gone; answers to reads sent before are stale. */
    void disconnected(String reason) {
        connection++;
        deliver(new LeaderObservation.Unreachable(reason));
    }

    private void onEvent(WatchedEvent event) {
        if (event.getType() != Watcher.Event.EventType.None) {
            // connection events (type None) reach every watcher too; the client's connection state handles those
            ZooKeeperDcsClient.onExecutor(executor, this::read);
        }
    }

    private void read() {
        if (closed) {
            return;
        }
        long sentOn = connection;
        try {
            curator.checkExists().usingWatcher(watcher)
                    .inBackground((c, e) -> answered(sentOn, e, true)).forPath(path);
            curator.getData().inBackground((c, e) -> answered(sentOn, e, false)).forPath(path);
        } catch (Exception e) {
            deliver(new LeaderObservation.Unreachable("zookeeper " + where + ": reading " + path + " failed: " + e));
        }
    }

    /** Called on ZooKeeper's event thread, in the order the server answered. */
    private void answered(long sentOn, CuratorEvent e, boolean exists) {
        KeeperException.Code code = KeeperException.Code.get(e.getResultCode());
        byte[] data = e.getData();
        long mzxid = e.getStat() == null ? 0 : e.getStat().getMzxid();
        ZooKeeperDcsClient.onExecutor(executor, () -> {
            if (closed || sentOn != connection) {
                return;
            }
            if (exists) {
                // exists only arms the watch; its answer says nothing getData's will not, unless it failed
                if (code != KeeperException.Code.OK && code != KeeperException.Code.NONODE) {
                    failed(code);
                }
                return;
            }
            switch (code) {
                case OK -> deliver(new LeaderObservation.Leader(
                        new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8), mzxid));
                case NONODE -> deliver(new LeaderObservation.NoLeader(0));
                default -> failed(code);
            }
        });
    }

    private void failed(KeeperException.Code code) {
        if (code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.SESSIONEXPIRED
                || code == KeeperException.Code.SESSIONMOVED) {
            return; // the connection state says Unreachable and reads again when it is back
        }
        // NOAUTH (an ACL), a server error: nothing will tell us when it is fixed, so try again each period (once:
        // both requests of a read may fail, and two retries a period would become four)
        deliver(new LeaderObservation.Unreachable("zookeeper " + where + ": reading " + path + " failed: " + code));
        if (retry == null || retry.isDone()) {
            retry = executor.schedule(this::read, periodMs, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void deliver(LeaderObservation obs) {
        if (closed || obs.equals(last)) {
            return;
        }
        last = obs;
        for (Consumer<LeaderObservation> sink : sinks) {
            try {
                sink.accept(obs);
            } catch (RuntimeException ex) {
                LOG.warn("zookeeper {}: a watcher of {} threw on {}: {}", where, path, obs, ex.toString());
            }
        }
    }
}
