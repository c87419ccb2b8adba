package org.vip4j.dcs.etcd;

/**
 * Whether the watch streams of one client are alive, for all its keys at once. Every stream runs over the same
 * channel to the same member, and what silently kills one (a SIGSTOPped or hung member, a cut cable) kills them
 * all, while a stream that ends on its own says so with an error. So one progress request per silent period, on
 * whichever key's stream asks first, proves the lot: a process following a hundred keys sends one a period, not a
 * hundred. A stream message on any key, or a holder's confirmation, is an answer.
 *
 * <p>The client's executor thread only. Times are {@code System.nanoTime()}.
 */
final class StreamHealth {

    private static final long NONE = Long.MIN_VALUE;

    private final long periodNanos;
    private final long deadlineNanos;
    private long streamHeardAt;
    private long confirmedAt = NONE;
    private long askedAt = NONE;

    StreamHealth(long periodNanos, long deadlineNanos, long now) {
        this.periodNanos = periodNanos;
        this.deadlineNanos = deadlineNanos;
        this.streamHeardAt = now;
    }

    /** A message on a watch stream, or a read that found etcd: the member and the channel are alive. */
    void heard(long now) {
        streamHeardAt = now;
        askedAt = NONE;
    }

    /** A holder's linearizable confirmation answered: it shows the channel alive better than a progress request. */
    void confirmed(long now) {
        confirmedAt = now;
        askedAt = NONE;
    }

    /**
     * Whether a progress request should go out now; if so, it is recorded as on its way. Half a period of silence:
     * the last answer may have come just after the previous tick, and a stream silent for almost a period must
     * still be asked on this one. A holder confirming every period keeps the streams unasked.
     */
    boolean ask(long now) {
        if (askedAt != NONE || now - streamHeardAt < periodNanos / 2
                || (confirmedAt != NONE && now - confirmedAt < periodNanos + periodNanos / 2)) {
            return false;
        }
        askedAt = now;
        return true;
    }

    /** How long a progress request has gone unanswered, when that is past the deadline; else -1. */
    long unansweredMillis(long now) {
        if (askedAt == NONE || now - askedAt < deadlineNanos) {
            return -1;
        }
        return (now - askedAt) / 1_000_000;
    }
}
