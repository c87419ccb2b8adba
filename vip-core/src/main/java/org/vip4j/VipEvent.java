package org.vip4j;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing that happened to one VIP, as delivered to {@link VipListener}s: a state transition or a notable
 * observation within a state. Every transition produces exactly one event and one log line.
 *
 * @param kind      why it happened
 * @param vip       the VIP it concerns
 * @param from      the state before
 * @param to        the state after (equal to {@code from} for events inside a state)
 * @param leader    the leader key's value as last observed, or {@code null} when there is no leader or it is unknown
 * @param holding   whether the VIP is on this node's interface after the event, as far as this node knows
 * @param reason    a sentence for an operator: what changed and why
 * @param time      when the event was produced
 */
public record VipEvent(Kind kind, VirtualAddress vip, VipState from, VipState to, String leader, boolean holding,
                       String reason, Instant time) {

    public VipEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(time, "time");
    }

    /** True when the state changed. */
    public boolean isTransition() {
        return from != to;
    }

    /** Why an event happened. */
    public enum Kind {
        /** The VIP was added and announced: this node now holds it. */
        ACQUIRED,
        /** The VIP was removed from this node's interface. */
        RELEASED,
        /** The leader key changed value (or was deleted), whatever this node does about it. */
        LEADER_CHANGED,
        /** A holder deleted-key handover began: the VIP is kept for at most {@code handover-grace}. */
        HANDOVER_WAIT,
        /** The DCS cannot confirm leadership (unreachable, or no confirmation for retry-num × keepalive-period). */
        DCS_LOST,
        /** The DCS answers again after DCS_LOST. */
        DCS_RESTORED,
        /** Adding or announcing the VIP failed or ran out of time; retried after {@code retry-timeout}. */
        TAKEOVER_FAILED,
        /** Removing the VIP failed or ran out of time; retried after {@code retry-timeout}. */
        RELEASE_FAILED,
        /** Another host answers ARP/ND for the VIP, which the DCS does not explain. */
        CONFLICT,
        /** The reconcile found the interface disagreeing with the decision and corrected it. */
        RECONCILED,
        /** The manager was closed. */
        STOPPED,
        /** Elected VIP: the health check passed {@code health-rise} times in a row; this node is a candidate. */
        ELIGIBLE,
        /** Elected VIP: the health check failed {@code health-fall} times in a row; no longer a candidate. */
        INELIGIBLE,
        /** Elected VIP: a step of the campaign (the key is free, another node claimed it first, a call failed). */
        CAMPAIGN,
        /** Elected VIP: this node claimed the election key under its lease. */
        ELECTED,
        /** Elected VIP: the holder failed its health check and deleted the election key. */
        RESIGNED,
        /** Elected VIP: the holder's lease ended (not renewed in time, expired, or the key deleted behind it). */
        LEASE_LOST,
        /**
         * Elected VIP: this node held the key as a fallback candidate and deleted it because a node whose
         * health-check passes asked for it.
         */
        PREEMPTED
    }
}
