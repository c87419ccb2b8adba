package org.vip4j.internal;

import java.time.Duration;

/**
 * The holder's side of invariant 1: when it last had its leadership confirmed, whether a confirmation is on its way,
 * and when the next one is due. Time in clock millis; no clock of its own, so the state machine stays the only
 * reader of time.
 *
 * <p>Internal: not part of the vip4j API.
 */
final class Keepalive {

    private static final long NEVER = Long.MAX_VALUE;
    /**
     * How late past its end a lease may be found before the process is taken to have been unable to run (SIGSTOP,
     * a VM or GC stall): the loop is woken at the lease's end, so on a busy host it notices within tens of ms.
     */
    static final long PAUSE_SLACK_MS = 500;

    /** What {@link #lease} found. */
    enum Lease {
        /** Confirmed recently enough, or a pause check is waiting for its answer. */
        VALID,
        /** No confirmation for retry-num x keepalive-period: let go. */
        RAN_OUT,
        /** Found run out long after its end: ask the DCS once before believing it (a pause check, now started). */
        RAN_OUT_DURING_A_PAUSE
    }

    private final long periodMs;
    private final long lossTimeoutMs;
    private boolean inFlight;
    /** The number of the newest request; answers to older ones were superseded (see {@link #requested}). */
    private long ticket;
    private int failures;
    private long lastConfirmedAt;
    private long nextAt = NEVER;
    /** The end of a running pause check: the one confirmation it waits for renews the lease before this. */
    private long pauseCheckUntil = NEVER;
    /** When a reachable DCS last said the key names this node (a watch value or a confirmation); invariant 1. */
    private long namedAt = Long.MIN_VALUE / 2;

    Keepalive(long periodMs, long lossTimeoutMs) {
        this.periodMs = periodMs;
        this.lossTimeoutMs = lossTimeoutMs;
    }

    /**
     * Records that a confirmation was asked for at {@code now} and returns its ticket. Asked while another is in
     * flight, the new one supersedes it (that one went out on a connection since dropped): the old one's failure no
     * longer counts, its success still does.
     */
    long requested(long now) {
        inFlight = true;
        nextAt = now + periodMs;
        return ++ticket;
    }

    /** Confirmation {@code answered} came back; {@code namesThisNode} renews the lease. */
    void succeeded(long answered, long now, boolean namesThisNode) {
        if (answered == ticket) {
            inFlight = false;
        }
        failures = 0;
        if (namesThisNode) {
            lastConfirmedAt = now;
            namedAt = now;
            pauseCheckUntil = NEVER;
        }
    }

    /** A healthy watch delivered a value naming this node at {@code now}: evidence for an acquisition's lease. */
    void named(long now) {
        namedAt = now;
    }

    /** How long ago a reachable DCS last named this node. */
    long namedFor(long now) {
        return now - namedAt;
    }

    /** Whether what last named this node is older than the lease: an add on it would hold on stale knowledge. */
    boolean namingStale(long now) {
        return namedFor(now) >= lossTimeoutMs;
    }

    /** Confirmation {@code answered} failed; returns how many failed in a row, or 0 for a superseded one. */
    int failed(long answered) {
        return answered == ticket ? failed() : 0;
    }

    private int failed() {
        inFlight = false;
        return ++failures;
    }

    /** A new holding starts with the lease the value that last named this node gave it, not at the add. */
    void granted() {
        lastConfirmedAt = namedAt;
        pauseCheckUntil = NEVER;
        failures = 0;
    }

    /** Whether to ask again now. A request outliving two periods counts as failed, so one lost answer cannot
     *  stop the keepalive for good. */
    boolean due(long now) {
        if (inFlight && now >= nextAt + periodMs) {
            failed();
        }
        return !inFlight && now >= nextAt;
    }

    /**
     * Whether an answer at {@code now} ends a gap: a confirmation failed, or the last one that answered is more than
     * one and a half periods ago (one stuck on a dropped connection fails only at its deadline, or never).
     */
    boolean late(long now) {
        return failures > 0 || unconfirmedFor(now) > periodMs + periodMs / 2;
    }

    /** How many confirmations failed in a row. */
    int failures() {
        return failures;
    }

    boolean inFlight() {
        return inFlight;
    }

    /**
     * The holder's lease at {@code now}. A lease found run out more than {@link #PAUSE_SLACK_MS} after its end ran
     * out while the process could not look: its confirmations never had a chance, so one confirmation (within one
     * keepalive-period) decides before the VIP goes (a frozen holder whose key did not move keeps it without a flap;
     * one whose key moved lets go when the answer or its watch says so).
     */
    Lease lease(long now) {
        long end = lastConfirmedAt + lossTimeoutMs;
        if (now < end) {
            return Lease.VALID;
        }
        if (pauseCheckUntil != NEVER) {
            if (now < pauseCheckUntil) {
                return Lease.VALID;
            }
            pauseCheckUntil = NEVER;
            return Lease.RAN_OUT;
        }
        if (now - end > PAUSE_SLACK_MS) {
            pauseCheckUntil = now + periodMs;
            return Lease.RAN_OUT_DURING_A_PAUSE;
        }
        return Lease.RAN_OUT;
    }

    /** When the lease, or a running pause check, ends. */
    long expiresAt() {
        return pauseCheckUntil != NEVER ? pauseCheckUntil : lastConfirmedAt + lossTimeoutMs;
    }

    /** How long ago the last confirmation (or the value that started this holding) was. */
    long unconfirmedFor(long now) {
        return now - lastConfirmedAt;
    }

    /**
     * When {@link #due} has something to do: the next request, or while one is in flight the moment it counts as
     * failed. Never the past once {@code due} has run, so a pending answer cannot make the loop spin.
     */
    long nextWakeAt() {
        return inFlight ? nextAt + periodMs : nextAt;
    }

    /** Why a holder gave its leadership up at {@code now}: the words of its DCS_LOST event. */
    String lossReason(long now) {
        long unconfirmed = now - lastConfirmedAt;
        return "leadership not confirmed for " + unconfirmed + " ms (retry-num x keepalive-period = "
                + Durations.format(Duration.ofMillis(lossTimeoutMs)) + ", " + failures + " failed confirmations); "
                + "Patroni's default leader TTL (30s) could let another node lead in about "
                + Math.max(0, 30 - unconfirmed / 1000) + "s";
    }
}
