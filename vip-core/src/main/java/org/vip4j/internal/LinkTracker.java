package org.vip4j.internal;

/**
 * What rtnetlink last said about the VIP's interface, and when a link that went down is worth a WARN: the kernel
 * reports an interface that is being deleted as down first, and the deletion is the news, so the WARN waits
 * {@link #WARN_DELAY_MS} and a deletion or the link's return within it cancels it. Loop-thread only.
 *
 * <p>Internal: not part of the vip4j API.
 */
final class LinkTracker {

    /** How long a link stays down before it is worth a WARN. */
    static final long WARN_DELAY_MS = 250;
    private static final long NEVER = Long.MAX_VALUE;

    private LinkState state = LinkState.UP;
    private long warnAt = NEVER;

    LinkState state() {
        return state;
    }

    /** The link went down at {@code now}; the WARN is due {@link #WARN_DELAY_MS} later unless it comes back. */
    void down(long now) {
        if (state == LinkState.UP) {
            state = LinkState.DOWN;
            warnAt = now + WARN_DELAY_MS;
        }
    }

    /** The interface was deleted: that is the news, not the link loss before it. */
    void removed() {
        state = LinkState.MISSING;
        warnAt = NEVER;
    }

    /** The link is up (again); true when it was down for less than the WARN's delay, so nobody was told. */
    boolean up() {
        boolean quiet = warnAt != NEVER;
        warnAt = NEVER;
        state = LinkState.UP;
        return quiet;
    }

    /** The interface exists again although no notification said so (one was lost). */
    void foundAgain() {
        state = LinkState.UP;
    }

    /** When the link-down WARN is due; {@link Long#MAX_VALUE} for never. */
    long warnAt() {
        return warnAt;
    }

    /** Whether the link-down WARN is due at {@code now}; consumes it. */
    boolean warnDue(long now) {
        if (now < warnAt) {
            return false;
        }
        warnAt = NEVER;
        return true;
    }
}
