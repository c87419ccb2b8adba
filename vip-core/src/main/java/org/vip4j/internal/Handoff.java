package org.vip4j.internal;

/**
 * The handover grace, make-before-break: after a delete seen through a healthy watch the old holder keeps the VIP
 * and listens for the next holder from that moment on; once another host announces the VIP to the segment (the
 * next leader has added it and sent its gratuitous ARP or neighbour advertisement, so every cache points at it), the
 * old holder removes it. Releasing at
 * the put instead leaves a window in which nobody owns the address: every SYN sent into it is dropped and the
 * client waits for TCP's one-second retransmit, while a few milliseconds of two owners cost a client nothing (the
 * old primary is already down and answers with a reset, and the new holder's announcement moves ARP caches).
 * Bounded by the grace: a successor that never shows up does not keep the VIP here longer than a deleted key would.
 * A DCS that speaks only for this node (Patroni's REST API) starts it on "not the leader here", which names no
 * successor either, with one interval more: the next leader hears of its leadership only at its own next poll.
 *
 * <p>The listening and the removal run off the loop thread ({@link SuccessorWatcher}): the two-owner
 * window is then the next holder's add-to-announce time, one wake-up of a thread already waiting on the socket and
 * one netlink call, and it does not wait behind whatever the loop is doing. This class keeps the loop's side: the grace deadline (its one deadline, consumed
 * by the release at its end), which watch is current, and the words of the events.
 *
 * <p>Internal: not part of the vip4j API.
 */
final class Handoff {

    private static final long NEVER = Long.MAX_VALUE;

    private long startedAt;
    private long until = NEVER;
    private long ticket;
    private Cancellable watch;
    private String successor;

    /** Starts waiting at {@code now} until {@code deadline} at the latest, {@code watch} listening for the successor. */
    void begin(long now, long deadline, long ticket, Cancellable watch) {
        cancel();
        this.startedAt = now;
        this.until = deadline;
        this.ticket = ticket;
        this.watch = watch;
        this.successor = null;
    }

    boolean active() {
        return until != NEVER;
    }

    /** Whether a report of watch {@code id} belongs to the handoff still under way. */
    boolean isCurrent(long id) {
        return active() && id == ticket;
    }

    /** The key moved on to (yet another) node while we wait: name that one in the events. */
    void retarget(String node) {
        successor = node;
    }

    String successor() {
        return successor;
    }

    /** Ends the handoff and stops its watch; idempotent. */
    void cancel() {
        until = NEVER;
        if (watch != null) {
            watch.cancel();
            watch = null;
        }
    }

    long nextWakeAt() {
        return until;
    }

    /** Whether the grace ran out. */
    boolean due(long now) {
        return active() && now >= until;
    }

    String handedOverReason(String owner, String vip, long now) {
        return (successor == null ? "the next leader" : successor) + " answers for " + vip + " (" + owner + ") "
                + (now - startedAt) + " ms after the key left this node; handed over";
    }

    String expiredReason(String vip) {
        return successor == null ? "no new leader within handover-grace"
                : successor + " did not answer for " + vip + " within handover-grace; releasing anyway";
    }
}
