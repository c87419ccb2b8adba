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

    private final long periodMs;
    private final long lossTimeoutMs;
    private boolean inFlight;
    private int failures;
    private long lastConfirmedAt;
    private long nextAt = NEVER;

    Keepalive(long periodMs, long lossTimeoutMs) {
        this.periodMs = periodMs;
        this.lossTimeoutMs = lossTimeoutMs;
    }

    /** Records that a confirmation was asked for at {@code now}. */
    void requested(long now) {
        inFlight = true;
        nextAt = now + periodMs;
    }

    /** A confirmation came back; {@code namesThisNode} renews the lease. */
    void succeeded(long now, boolean namesThisNode) {
        inFlight = false;
        failures = 0;
        if (namesThisNode) {
            lastConfirmedAt = now;
        }
    }

    /** A confirmation failed; returns how many failed in a row. */
    int failed() {
        inFlight = false;
        return ++failures;
    }

    /** A new holding starts with the lease the value that named this node at {@code namedAt} gave it. */
    void granted(long namedAt) {
        lastConfirmedAt = namedAt;
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

    boolean inFlight() {
        return inFlight;
    }

    /** Whether the lease ran out: no confirmation for retry-num x keepalive-period. */
    boolean expired(long now) {
        return now - lastConfirmedAt >= lossTimeoutMs;
    }

    long expiresAt() {
        return lastConfirmedAt + lossTimeoutMs;
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
