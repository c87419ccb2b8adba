package org.vip4j.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * Invariant 3's bookkeeping for one acquisition: since when another host has answered for the VIP, when to probe
 * again, and whether takeover-timeout has run out.
 *
 * <p>Internal: not part of the vip4j API.
 */
final class ConflictWatch {

    /** What an acquisition does after a probe. */
    enum Verdict {
        /** Nobody else answers: add. */
        ADD,
        /** Another host answers, first seen now: report it, then wait. */
        FIRST_SEEN,
        /** Another host still answers within takeover-timeout: wait and probe again. */
        WAIT,
        /** Another host still answers after takeover-timeout: take over. */
        TAKE_OVER
    }

    private static final long NEVER = Long.MAX_VALUE;
    /** Longest a single probe listens; a foreign owner on the same L2 segment answers within a millisecond. */
    private static final Duration MAX_PROBE_WINDOW = Duration.ofMillis(200);

    private final long takeoverMs;
    private final Duration probeWindow;
    private long since = NEVER;
    private long nextProbeAt = NEVER;

    ConflictWatch(Duration takeoverTimeout) {
        this.takeoverMs = takeoverTimeout.toMillis();
        Duration tenth = takeoverTimeout.dividedBy(10);
        this.probeWindow = tenth.compareTo(MAX_PROBE_WINDOW) < 0 ? tenth : MAX_PROBE_WINDOW;
    }

    /** How long one probe listens for another owner. */
    Duration probeWindow() {
        return probeWindow;
    }

    /** Judges a probe's answer at {@code now}. */
    Verdict judge(long now, Optional<String> owner) {
        if (owner.isEmpty()) {
            reset();
            return Verdict.ADD;
        }
        boolean first = since == NEVER;
        if (first) {
            since = now;
        }
        if (now - since >= takeoverMs) {
            reset();
            return Verdict.TAKE_OVER;
        }
        nextProbeAt = now + probeWindow.toMillis();
        return first ? Verdict.FIRST_SEEN : Verdict.WAIT;
    }

    long nextProbeAt() {
        return nextProbeAt;
    }

    void reset() {
        since = NEVER;
        nextProbeAt = NEVER;
    }
}
