package org.vip4j.dcs.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.LeaderObservation;

/**
 * Follows one key for every manager that asked for it: a read, then a watch from the revision after that read. All
 * state lives on the client's single executor thread, so callbacks from gRPC are hopped onto it and observations
 * leave in order.
 *
 * <p>The key is not polled while its watch is healthy. Every period in which the watch's stream said nothing, it is
 * asked for a progress notification (a message on the open stream, answered by the etcd member from memory, where a
 * read would be a request of its own on every period and the main idle cost of a standby); a stream that leaves
 * such a request unanswered for the deadline is dead, and etcd is reported unreachable as a failed read would be. A
 * serializable re-read every {@link #REREAD_TICKS} periods stays as the safety net against a watch that answers but
 * lost an event.
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
    private static final long NONE = Long.MIN_VALUE;

    private final String key;
    private final ByteSequence keyBytes;
    private final EtcdConnection connection;
    private final ScheduledExecutorService executor;
    private final long deadlineMs;
    private final long periodNanos;
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
    private long heardAt;
    private long progressAskedAt = NONE;
    private long confirmedAt = NONE;
    private GetResponse suspect;
    /** Why the last watch stream ended, until the read after it answers or fails. */
    private String streamEnded;
    private int ticksSinceRead;
    private volatile boolean closed;

    KeyWatch(String key, EtcdConnection connection, ScheduledExecutorService executor, long periodMs,
             long deadlineMs) {
        this.key = key;
        this.keyBytes = ByteSequence.from(key, StandardCharsets.UTF_8);
        this.connection = connection;
        this.executor = executor;
        this.deadlineMs = deadlineMs;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMs);
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
        read(false).whenCompleteAsync((r, err) -> {
            readInFlight = false;
            if (closed) {
                return;
            }
            if (err != null) {
                String ended = streamEnded;
                streamEnded = null;
                unreachable(ended == null ? Observations.reason(err)
                        : "the watch ended (" + ended + ") and a read failed: " + Observations.reason(err));
                if (connection.rebuildIfReachable()) {
                    executor.execute(this::resync); // a fresh channel: no reason to wait for the next tick
                }
                return;
            }
            long revision = r.getHeader().getRevision();
            LeaderObservation obs = Observations.of(r);
            boolean restored = !reachable;
            reachable = true;
            lastRevision = Math.max(lastRevision, revision);
            if (restored) {
                LOG.info("etcd {}: reachable again; key {} read at revision {}", connection.describe(), key, revision);
            } else if (streamEnded != null) {
                LOG.info("etcd {}: the watch of {} ended ({}); read it again at revision {} and watching on",
                        connection.describe(), key, streamEnded, revision);
            }
            streamEnded = null;
            deliver(obs, restored);
            openWatcher(revision + 1);
        }, executor);
    }

    /**
     * Every period: resync if the watch is down; else find a stream that left a progress request unanswered past the
     * deadline dead, ask a silent one for progress, and re-read now and then.
     */
    private void tick() {
        if (closed || readInFlight) {
            return;
        }
        if (watcher == null || !reachable || watcherGeneration != connection.generation()) {
            resync();
            return;
        }
        if (suspect != null) {
            checkSuspect();
        }
        long now = System.nanoTime();
        if (progressAskedAt != NONE && now - progressAskedAt >= TimeUnit.MILLISECONDS.toNanos(deadlineMs)) {
            streamLost("the watch of " + key + " left a progress request unanswered for "
                    + TimeUnit.NANOSECONDS.toMillis(now - progressAskedAt) + " ms");
            return;
        }
        if (++ticksSinceRead >= REREAD_TICKS) {
            reread();
        } else if (watcher != null && progressAskedAt == NONE && now - heardAt >= periodNanos / 2
                && (confirmedAt == NONE || now - confirmedAt >= periodNanos + periodNanos / 2)) {
            // half a period: the last answer came just after the previous tick, and a stream silent for almost a
            // period must still be asked on this one; a holder confirming every period keeps the stream unasked
            progressAskedAt = now;
            watcher.requestProgress();
        }
    }

    /** The safety net: a cheap read that would show a change the watch lost. */
    private void reread() {
        ticksSinceRead = 0;
        read(true).whenCompleteAsync((r, err) -> {
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
        confirmedAt = System.nanoTime();
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

    private CompletableFuture<GetResponse> read(boolean serializable) {
        readInFlight = true;
        try {
            return connection.client().getKVClient()
                    .get(keyBytes, GetOption.builder().withSerializable(serializable).build())
                    .orTimeout(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void openWatcher(long fromRevision) {
        int epoch = ++watcherEpoch;
        watcherGeneration = connection.generation();
        heardAt = System.nanoTime();
        progressAskedAt = NONE;
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
        heardAt = System.nanoTime();
        progressAskedAt = NONE; // any answer on the stream shows it alive
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
        if (watcherGeneration != connection.generation()) {
            // the client was rebuilt under this watch (a reconnect): read and watch again on the new one, which is
            // no news for the managers unless the key changed meanwhile
            LOG.debug("etcd {}: the watch of {} ended with its client ({}); watching again on the new one",
                    connection.describe(), key, Observations.reason(error));
            resync();
            return;
        }
        if (error instanceof CompactedException c) {
            LOG.warn("etcd {}: revision {} of {} was compacted (now {}); reading the key again",
                    connection.describe(), lastRevision + 1, key, c.getCompactedRevision());
            resync();
            return;
        }
        // an ended stream is not an outage yet: a member of a cluster that stops (a rolling restart) ends the
        // streams it served while the others answer. Only a read that fails too is news for the managers
        streamEnded = Observations.reason(error);
        resync();
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
