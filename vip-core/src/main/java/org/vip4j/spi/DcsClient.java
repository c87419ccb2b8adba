package org.vip4j.spi;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A connection to a DCS (etcd, Consul, Patroni's REST API) that follows leader keys.
 *
 * <p>One client may serve many {@code VipManager}s (one per VIP) and must be thread-safe. Reconnecting is the
 * client's job; the managers only see observations.
 */
public interface DcsClient extends AutoCloseable {

    /**
     * Follows {@code key}: first delivers its current state (a read: the key may have been written once, long ago),
     * then every change, in order, none lost or repeated across reconnects (resume from the last delivered
     * revision). Delivers {@link LeaderObservation.Unreachable} within about one keepalive-period of losing the DCS,
     * and the current state again once it is back. A watch that died silently (a hung server, a cut cable: no reset,
     * no error) must be noticed as fast, without polling the key while the watch is healthy where the DCS offers a
     * cheaper proof of life (etcd: a progress request on the watch's own stream); a rare re-read may back it, and a
     * re-read that finds nothing new may deliver the same observation again.
     *
     * <p>The sink is called from the client's threads, one call at a time per watch, and must not block.
     */
    DcsWatch watch(String key, Consumer<LeaderObservation> sink);

    /**
     * A linearizable read of {@code key} (etcd: a non-serializable Get; Consul: {@code ?consistent}): a node in a
     * minority partition cannot get an answer. Completes with {@link LeaderObservation.Leader} or
     * {@link LeaderObservation.NoLeader}, or with {@link LeaderObservation.Unreachable} (or exceptionally) when
     * no answer came within {@code timeout}. Never waits longer than {@code timeout}.
     */
    CompletableFuture<LeaderObservation> confirm(String key, Duration timeout);

    /**
     * A hint that connections opened before now may be stuck: an interface of this host got its link back, and a
     * TCP connection whose packets were lost meanwhile delivers nothing new until its next retransmission, which
     * backs off to seconds. A client may drop its connections so that the next request, and its watches, go out on
     * fresh ones at once; requests in flight may then fail, and watches must resume without a gap or an
     * {@link LeaderObservation.Unreachable} of their own making. Called from a manager's loop thread: must not
     * block (no network I/O); may be rate-limited, since every manager on the interface calls it. Default: nothing.
     */
    default void reconnect(String why) {
    }

    /**
     * Whether an observation that does not name this node names the leader (etcd, Consul: the key's value is the
     * leader's name, and a new leader appears in it). Patroni's REST API speaks only for its own node: "not the
     * leader here" says neither who is nor whether anyone is yet, so a holder that hears it waits for the next
     * leader as after a deleted key (handover-grace, plus one interval for the next leader's own poll to tell it).
     * Default: true.
     */
    default boolean namesTheLeader() {
        return true;
    }

    /**
     * Elections on this DCS (a lease and a create-if-absent write), for VIPs with {@code election: true}; empty where
     * the DCS cannot arbitrate a key (Patroni's REST API) or the provider does not offer it. Default: empty.
     */
    default Optional<DcsElections> elections() {
        return Optional.empty();
    }

    /** Closes every watch and the connection. Idempotent. */
    @Override
    void close();
}
