package org.vip4j.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The handover grace, make-before-break: after a delete seen through a healthy watch the old holder keeps the VIP
 * and listens for the next holder from that moment on; once another host answers ARP/ND for the VIP (the next
 * leader has added it, usually just as the key names it), the old holder removes it. Releasing at
 * the put instead leaves a window in which nobody owns the address: every SYN sent into it is dropped and the
 * client waits for TCP's one-second retransmit, while a few milliseconds of two owners cost a client nothing (the
 * old primary is already down and answers with a reset, and the new holder's announcement moves ARP caches).
 * Bounded by the grace: a successor that never shows up does not keep the VIP here longer than a deleted key would.
 *
 * <p>Internal: not part of the vip4j API.
 */
final class Handoff {

    private static final long NEVER = Long.MAX_VALUE;
    /**
     * One probe listens this long and returns as soon as the successor's reply or announcement arrives, so the
     * two-owner overlap is the successor's announcement latency, not this window.
     */
    private static final Duration WINDOW = Duration.ofMillis(3);

    private long startedAt;
    private long until = NEVER;
    private long nextProbeAt = NEVER;
    private String successor;

    /**
     * Starts waiting at {@code now} until {@code deadline} at the latest; {@code successor} is null until the key
     * names the next leader. Listening starts at once: the new holder may add before this node sees the put.
     */
    void begin(long now, long deadline, String successor) {
        this.startedAt = now;
        this.until = deadline;
        this.nextProbeAt = now;
        this.successor = successor;
    }

    boolean active() {
        return until != NEVER;
    }

    /** The key moved on to yet another node while we wait: wait for that one. */
    void retarget(String node) {
        successor = node;
    }

    String successor() {
        return successor;
    }

    void cancel() {
        until = NEVER;
        nextProbeAt = NEVER;
    }

    long nextWakeAt() {
        return nextProbeAt;
    }

    boolean due(long now) {
        return active() && now >= nextProbeAt;
    }

    /**
     * One probe at the clock's now: the reason to release when the successor answered, the grace ran out or the
     * probe failed; empty while waiting (the next probe is due a millisecond later).
     */
    Optional<String> step(AddressCalls address, String vip, Clock clock) {
        long now = clock.millis();
        try {
            Optional<String> owner = address.probe(WINDOW);
            long after = clock.millis();
            if (owner.isPresent()) {
                nextProbeAt = NEVER;
                return Optional.of((successor == null ? "the next leader" : successor) + " answers for " + vip
                        + " (" + owner.get() + ") " + (after - startedAt) + " ms after the key was deleted; handed over");
            }
            if (after >= until) {
                return Optional.of(successor == null ? "no new leader within handover-grace"
                        : successor + " did not answer for " + vip + " within handover-grace; releasing anyway");
            }
            nextProbeAt = now + 1;
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("probing for " + successor + " failed (" + e.getMessage() + "); releasing now");
        }
    }
}
