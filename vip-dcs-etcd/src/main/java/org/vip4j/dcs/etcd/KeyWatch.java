package org.vip4j.dcs.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.LeaderObservation;

/**
 * Follows one key for every manager that asked for it: a read, then a watch from the revision after that read. All
 * state lives on the client's single executor thread, so callbacks from gRPC are hopped onto it and observations
 * leave in order.
 *
 * <p>The key is not polled while its watch is healthy. Every period in which the client's watch streams said nothing,
 * one of them is asked for a progress notification (a message on the open stream, answered by the etcd member from
 * memory, where a read would be a request of its own on every period and the main idle cost of a standby; see
 * {@link StreamHealth}); a request left unanswered for the deadline means the streams are dead, and etcd is reported
 * unreachable as a failed read would be. A re-read every {@link #REREAD_TICKS} periods, batched with the other keys'
 * through the client's {@link ConfirmBatcher}, stays as the safety net against a watch that answers but lost an
 * event.
 *
 * <p>Revisions keep the stream exact: a watch event at or below the last revision seen (by a read or an earlier
 * event) is dropped, so a re-read that overtook the watch can never be followed by an older value. After an outage
 * the watch resumes from the revision after the read that found etcd again; the changes in between are folded into
 * that read's value, since only the latest leader counts.
 */
final class KeyWatch {

    private static final Logger LOG = LoggerFactory.getLogger(KeyWatch.class);
    /** Periods between the safety-net re-reads of a healthy watch: once a minute with the defaults. */
    static final int REREAD_TICKS = 60;

    private final String key;
    private final ByteSequence keyBytes;
    private final EtcdConnection connection;
    private final ScheduledExecutorService executor;
    private final long deadlineMs;
    private final StreamHealth health;
    private final Function<String, CompletableFuture<GetResponse>> batchedRead;
    private final List<Consumer<LeaderObservation>> sinks = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> tick;

    // executor thread only
    private LeaderObservation lastDelivered;
    private long lastRevision;
    private boolean reachable = true;
    private boolean readInFlight;
    private Watch.Watcher watcher;
    private int watcherEpoch;
    private int watcherGeneration = -1;
    private boolean warmedUp;
    private GetResponse suspect;
    private int ticksSinceRead;
    private volatile boolean closed;

    KeyWatch(String key, EtcdConnection connection, ScheduledExecutorService executor, long periodMs,
             long deadlineMs, StreamHealth health, Function<String, CompletableFuture<GetResponse>> batchedRead) {
        this.key = key;
        this.keyBytes = ByteSequence.from(key, StandardCharsets.UTF_8);
        this.connection = connection;
        this.executor = executor;
        this.deadlineMs = deadlineMs;
        this.health = health;
        this.batchedRead = batchedRead;
        executor.execute(this::resync);
        this.tick = executor.scheduleWithFixedDelay(this::tick, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Adds a sink; it gets the current state at once if the key was read already. */
    void add(Consumer<LeaderObservation> sink) {
        sinks.add(sink);
        executor.execute(() -> {
            if (lastDelivered != null && !closed) {
                sink.accept(lastDelivered);
            }
            if (!reachable && !closed) {
                sink.accept(new LeaderObservation.Unreachable("etcd " + connection.describe() + " is unreachable"));
            }
        });
    }

    /** Removes a sink; returns true when none is left. */
    boolean remove(Consumer<LeaderObservation> sink) {
        sinks.remove(sink);
        return sinks.isEmpty();
    }

    void close() {
        closed = true;
        tick.cancel(false);
        executor.execute(this::closeWatcher);
    }

    // --- executor thread --------------------------------------------------------------------------------------

    /** A full read, then a fresh watch from the revision after it. */
    private void resync() {
        if (closed || readInFlight) {
            return;
        }
        closeWatcher();
        read().whenCompleteAsync((r, err) -> {
            readInFlight = false;
            if (closed) {
                return;
            }
            if (err != null) {
                unreachable(Observations.reason(err));
                if (connection.rebuildIfReachable()) {
                    executor.execute(this::resync); // a fresh channel: no reason to wait for the next tick
                }
                return;
            }
            health.heard(System.nanoTime());
            long revision = r.getHeader().getRevision();
            LeaderObservation obs = Observations.of(r);
            boolean restored = !reachable;
            reachable = true;
            lastRevision = Math.max(lastRevision, revision);
            if (restored) {
                LOG.info("etcd {}: reachable again; key {} read at revision {}", connection.describe(), key, revision);
            }
            deliver(obs, restored);
            openWatcher(revision + 1);
        }, executor);
    }

    /**
     * Every period: resync if the watch is down; else find the streams dead if a progress request went unanswered
     * past the deadline, ask for progress if they have all been silent, and re-read now and then.
     */
    private void tick() {
        if (closed || readInFlight) {
            return;
        }
        long now = System.nanoTime();
        long unanswered = health.unansweredMillis(now);
        if (reachable && unanswered >= 0) {
            // before the resync a rebuilt channel would start: its read would only fail a deadline later
            streamLost("etcd's watch streams left a progress request unanswered for " + unanswered + " ms");
            return;
        }
        if (watcher == null || !reachable || watcherGeneration != connection.generation()) {
            resync();
            return;
        }
        if (suspect != null) {
            checkSuspect();
        }
        if (++ticksSinceRead >= REREAD_TICKS) {
            reread();
        } else if (watcher != null && health.ask(now)) {
            watcher.requestProgress();
        }
    }

    /** The safety net: a cheap read that would show a change the watch lost. */
    private void reread() {
        ticksSinceRead = 0;
        readInFlight = true;
        CompletableFuture<GetResponse> read;
        try {
            read = batchedRead.apply(key).orTimeout(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenCompleteAsync((r, err) -> {
            readInFlight = false;
            if (closed) {
                return;
            }
            if (err != null) {
                streamLost(Observations.reason(err));
                return;
            }
            compareWithWatch(r);
        }, executor);
    }

    /**
     * A holder's linearizable confirmation of this key, which answered: it shows the key's value at least as well as
     * a progress request shows the stream, so the key's next probe and re-read are skipped, and a value the watch
     * never delivered is caught as by a re-read. Call on the executor thread.
     */
    void confirmed(GetResponse r) {
        if (closed || watcher == null || !reachable) {
            return;
        }
        ticksSinceRead = 0;
        compareWithWatch(r);
    }

    /**
     * A read that disagrees with what the watch delivered is only a suspicion at first: a read may overtake the
     * event of the same change on the stream by a few milliseconds. If the watch has still not caught up by the next
     * tick, it missed the change.
     */
    private void compareWithWatch(GetResponse r) {
        long revision = r.getHeader().getRevision();
        LeaderObservation obs = Observations.of(r);
        if (revision >= lastRevision && !sameState(obs, lastDelivered)) {
            suspect = r;
        }
    }

    private void checkSuspect() {
        GetResponse r = suspect;
        suspect = null;
        long revision = r.getHeader().getRevision();
        LeaderObservation obs = Observations.of(r);
        if (revision >= lastRevision && !sameState(obs, lastDelivered)) {
            LOG.warn("etcd {}: the watch of {} missed a change (read {} at revision {}); watching again",
                    connection.describe(), key, ObservationText.of(obs), revision);
            lastRevision = revision;
            deliver(obs, false);
            closeWatcher();
            openWatcher(revision + 1);
        }
    }

    private CompletableFuture<GetResponse> read() {
        readInFlight = true;
        try {
            return connection.client().getKVClient().get(keyBytes).orTimeout(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void openWatcher(long fromRevision) {
        int epoch = ++watcherEpoch;
        watcherGeneration = connection.generation();
        ticksSinceRead = 0;
        suspect = null;
        Watch.Listener listener = Watch.listener(
                r -> executor.execute(() -> onEvents(epoch, r)),
                e -> executor.execute(() -> onWatchError(epoch, e)),
                () -> executor.execute(() -> onWatchError(epoch,
                        new IllegalStateException("watch closed by the server"))));
        try {
            watcher = connection.client().getWatchClient().watch(keyBytes,
                    WatchOption.builder().withRevision(fromRevision).build(), listener);
        } catch (RuntimeException e) {
            onWatchError(epoch, e);
            return;
        }
        if (!warmedUp) {
            warmedUp = true;
            listener.onNext(nothingNew());
        }
    }

    /**
     * A delete and a put of the key at revision 0, below every revision etcd hands out, so {@link #onEvents} maps
     * both and delivers neither. Sent through the listener once, it runs the code of a watch event before the
     * first real one: measured in the Patroni lab, the old primary's first event (the delete that starts a
     * switchover, on a busy 2-core host, its JVM seconds old) took 23 to 39 ms from gRPC's thread to this one,
     * and 8 to 19 ms more to the observation; later events 1 to 2 ms in all.
     */
    private WatchResponse nothingNew() {
        ByteString k = ByteString.copyFrom(keyBytes.getBytes());
        return new WatchResponse(io.etcd.jetcd.api.WatchResponse.newBuilder()
                .addEvents(Event.newBuilder().setType(Event.EventType.DELETE)
                        .setKv(KeyValue.newBuilder().setKey(k)))
                .addEvents(Event.newBuilder().setType(Event.EventType.PUT)
                        .setKv(KeyValue.newBuilder().setKey(k)
                                .setValue(ByteString.copyFromUtf8("-"))))
                .build());
    }

    private void onEvents(int epoch, WatchResponse response) {
        if (closed || epoch != watcherEpoch) {
            return;
        }
        health.heard(System.nanoTime()); // any answer on a stream shows the member and the channel alive
        for (WatchEvent e : response.getEvents()) {
            LeaderObservation obs = Observations.of(e);
            if (obs.revision() <= lastRevision) {
                continue; // a read already covered it
            }
            lastRevision = obs.revision();
            deliver(obs, false);
        }
    }

    private void onWatchError(int epoch, Throwable error) {
        if (closed || epoch != watcherEpoch) {
            return;
        }
        closeWatcher();
        if (error instanceof CompactedException c) {
            LOG.warn("etcd {}: revision {} of {} was compacted (now {}); reading the key again",
                    connection.describe(), lastRevision + 1, key, c.getCompactedRevision());
            resync();
            return;
        }
        unreachable(Observations.reason(error));
    }

    /** The watch cannot be trusted any more: say so, drop it, and give gRPC a fresh channel if etcd answers TCP. */
    private void streamLost(String reason) {
        unreachable(reason);
        closeWatcher();
        connection.rebuildIfReachable();
    }

    private void unreachable(String reason) {
        if (reachable) {
            reachable = false;
            LOG.warn("etcd {}: cannot follow {}: {}", connection.describe(), key, reason);
            deliver(new LeaderObservation.Unreachable("etcd " + connection.describe() + ": " + reason), true);
        }
    }

    private void deliver(LeaderObservation obs, boolean evenIfSame) {
        if (!evenIfSame && obs.equals(lastDelivered)) {
            return;
        }
        if (!(obs instanceof LeaderObservation.Unreachable)) {
            lastDelivered = obs;
        }
        for (Consumer<LeaderObservation> sink : sinks) {
            try {
                sink.accept(obs);
            } catch (RuntimeException e) {
                LOG.warn("a watch sink for {} threw; the others still get observations", key, e);
            }
        }
    }

    private void closeWatcher() {
        watcherEpoch++;
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a watcher of {} failed", key, e);
            }
        }
    }

    private static boolean sameState(LeaderObservation a, LeaderObservation b) {
        return b != null && ObservationText.of(a).equals(ObservationText.of(b));
    }
}
