package org.vip4j.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * A DCS in memory, with revisions, watches and outages on demand. Watchers are called on the thread that changes
 * the DCS, after the change, outside any lock, so a test that writes knows the observation has been handed over
 * when the write returns.
 *
 * <p>Three kinds of trouble: {@link #goUnreachable} (watches report Unreachable, confirms fail: a DCS that is down),
 * {@link #partition} (confirms fail, watches go silent: a minority partition or a dead watch stream) and
 * {@link #hangConfirms} (confirms never answer; the caller's deadline must fire).
 */
public final class InMemoryDcs implements DcsClient {

    private record Watcher(String key, Consumer<LeaderObservation> sink) {
    }

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, Long> modRevisions = new HashMap<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<LeaderObservation>> hungConfirms = new CopyOnWriteArrayList<>();
    private final AtomicInteger confirmCalls = new AtomicInteger();
    private long revision;
    private boolean unreachable;
    private boolean partitioned;
    private boolean hangConfirms;
    private final List<String> reconnects = new ArrayList<>();
    private boolean closed;
    private volatile boolean namesTheLeader = true;

    /**
     * From now on this DCS speaks only for the node that asks, as Patroni's REST API does: a value other than the
     * node's own says "not this node", and names nobody.
     */
    public void speakOnlyForThisNode() {
        namesTheLeader = false;
    }

    @Override
    public boolean namesTheLeader() {
        return namesTheLeader;
    }

    /** Sets {@code key} to {@code value} and tells its watchers. */
    public void put(String key, String value) {
        LeaderObservation obs;
        synchronized (this) {
            revision++;
            values.put(key, value);
            modRevisions.put(key, revision);
            obs = new LeaderObservation.Leader(value, revision);
            if (unreachable || partitioned) {
                return;
            }
        }
        deliver(key, obs);
    }

    /** Deletes {@code key} (Patroni's shutdown, or an expired lease) and tells its watchers. */
    public void delete(String key) {
        LeaderObservation obs;
        synchronized (this) {
            revision++;
            values.remove(key);
            modRevisions.remove(key);
            obs = new LeaderObservation.NoLeader(revision);
            if (unreachable || partitioned) {
                return;
            }
        }
        deliver(key, obs);
    }

    /** The DCS goes down: every watch reports Unreachable, confirms fail at once. */
    public void goUnreachable(String reason) {
        synchronized (this) {
            unreachable = true;
        }
        for (Watcher w : watchers) {
            w.sink().accept(new LeaderObservation.Unreachable(reason));
        }
    }

    /** The node is cut off without the watch noticing: confirms fail, watches stay silent. */
    public synchronized void partition() {
        partitioned = true;
    }

    /**
     * Confirms never complete until {@link #restore()} or a {@link #reconnect}: a connection that lost its packets.
     * Those asked before a reconnect stay hung until {@code restore()}, as on a dropped connection.
     */
    public synchronized void hangConfirms() {
        hangConfirms = true;
    }

    /** Ends every kind of trouble; watches deliver the current value of their key again, as a re-read would. */
    public void restore() {
        synchronized (this) {
            unreachable = false;
            partitioned = false;
            hangConfirms = false;
        }
        for (CompletableFuture<LeaderObservation> f : hungConfirms) {
            f.complete(new LeaderObservation.Unreachable("confirm abandoned"));
        }
        hungConfirms.clear();
        for (Watcher w : watchers) {
            w.sink().accept(current(w.key()));
        }
    }

    /** A fresh connection: confirms asked from now on answer again. */
    @Override
    public synchronized void reconnect(String why) {
        reconnects.add(why);
        hangConfirms = false;
    }

    /** Why each {@link #reconnect} was asked for, in order. */
    public synchronized List<String> reconnects() {
        return List.copyOf(reconnects);
    }

    /** How many times {@link #confirm} was called. */
    public int confirmCalls() {
        return confirmCalls.get();
    }

    /** How many watches are open. */
    public int watchCount() {
        return watchers.size();
    }

    @Override
    public DcsWatch watch(String key, Consumer<LeaderObservation> sink) {
        Watcher w = new Watcher(key, sink);
        LeaderObservation first;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("InMemoryDcs is closed");
            }
            watchers.add(w);
            first = unreachable ? new LeaderObservation.Unreachable("in-memory DCS is unreachable") : current(key);
        }
        if (!partitioned) {
            sink.accept(first);
        }
        return () -> watchers.remove(w);
    }

    @Override
    public CompletableFuture<LeaderObservation> confirm(String key, Duration timeout) {
        confirmCalls.incrementAndGet();
        synchronized (this) {
            if (hangConfirms) {
                CompletableFuture<LeaderObservation> f = new CompletableFuture<>();
                hungConfirms.add(f);
                return f;
            }
            if (unreachable || partitioned) {
                return CompletableFuture.completedFuture(
                        new LeaderObservation.Unreachable("in-memory DCS cannot confirm: no quorum"));
            }
            return CompletableFuture.completedFuture(current(key));
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        watchers.clear();
    }

    private synchronized LeaderObservation current(String key) {
        String v = values.get(key);
        return v == null ? new LeaderObservation.NoLeader(revision)
                : new LeaderObservation.Leader(v, modRevisions.get(key));
    }

    private void deliver(String key, LeaderObservation obs) {
        for (Watcher w : new ArrayList<>(watchers)) {
            if (w.key().equals(key)) {
                w.sink().accept(obs);
            }
        }
    }
}
