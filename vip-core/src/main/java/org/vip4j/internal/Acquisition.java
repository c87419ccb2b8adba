package org.vip4j.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent.Kind;

/**
 * How one acquisition goes, whatever started it: probe for another owner unless the DCS explains one, wait while a
 * foreign owner answers (up to takeover-timeout), optionally wait for the local PostgreSQL to be promoted
 * ({@code promote-check}, same bound), add, announce. The state machine decides when to acquire and what state
 * follows; this class does the steps, keeps its own schedule between attempts, and says how each went.
 *
 * <p>Internal: not part of the vip4j API.
 */
final class Acquisition {

    /** How an attempt ended. */
    sealed interface Outcome {
        /** The VIP is on the interface (and announced, unless that failed with a warning). */
        record Held(String tookOverFrom) implements Outcome {
        }

        /** Not yet: attempt again at {@link #nextAttemptAt()}. */
        record Waiting() implements Outcome {
        }

        /** Adding failed; the reason is for the event. */
        record Failed(String reason) implements Outcome {
        }
    }

    /** Emits the notices an acquisition produces along the way. */
    @FunctionalInterface
    interface Notices {
        void notice(Kind kind, String reason);
    }

    /** Where this acquisition's promote-check stands. */
    private enum Promotion {
        /** Not asked, or answered "not primary": the next attempt asks. */
        UNKNOWN,
        /** A question is out; its answer, or takeover-timeout, wakes the acquisition. */
        ASKED,
        /** The local PostgreSQL is primary (or takeover-timeout ran out waiting): add. */
        PRIMARY
    }

    /** Where this acquisition's conflict probe stands. */
    private enum Probing {
        /** None out: the next attempt that needs one sends it. */
        IDLE,
        /** A probe listens; its answer, or the deadline of its window plus takeover-timeout, wakes the acquisition. */
        ASKED,
        /** Answered: the next attempt judges {@link #probeAnswer}. */
        ANSWERED
    }

    private static final long NEVER = Long.MAX_VALUE;
    /** How soon a "not primary" answer is followed by the next question; Patroni promotes within tens of ms. */
    private static final long PROMOTE_POLL_MS = 20;

    private final VipConfig config;
    private final AddressCalls address;
    private final ConflictWatch conflict;
    private final PromoteAsker promoteAsker;
    private final ProbeAsker probeAsker;
    private final Transitions out;
    private boolean explained;
    private boolean quickProbe;
    private long startedAt;
    private long nextAttemptAt = NEVER;
    private Promotion promotion = Promotion.UNKNOWN;
    private long promoteTicket;
    private Probing probing = Probing.IDLE;
    private Optional<String> probeAnswer = Optional.empty();
    private long probeTicket;
    private long probeGivesUpAt = NEVER;

    /** {@code promoteAsker} null: no promote-check. */
    Acquisition(VipConfig config, AddressCalls address, ProbeAsker probeAsker, PromoteAsker promoteAsker,
                Transitions out) {
        this.config = config;
        this.address = address;
        this.conflict = new ConflictWatch(config.takeoverTimeout());
        this.probeAsker = probeAsker;
        this.promoteAsker = promoteAsker;
        this.out = out;
    }

    /** Starts an acquisition at {@code now}; its {@code cause} decides the first probe (see {@link AcquisitionCause}). */
    void begin(long now, AcquisitionCause cause) {
        abandon();
        this.explained = cause == AcquisitionCause.HANDOVER;
        this.quickProbe = cause == AcquisitionCause.WENT_MISSING;
        this.startedAt = now;
    }

    /** Forgets a waiting acquisition. */
    void abandon() {
        conflict.reset();
        nextAttemptAt = NEVER;
        promotion = Promotion.UNKNOWN;
        promoteTicket++; // an answer still on its way is for this acquisition, not the next
        probing = Probing.IDLE;
        probeTicket++;
    }

    /**
     * The conflict probe {@code ticket} answered ({@code failure} null when it could listen): true when it belongs to
     * this acquisition, which is then due at once.
     */
    boolean probeAnswered(long now, long ticket, Optional<String> owner, String failure) {
        if (ticket != probeTicket || probing != Probing.ASKED) {
            return false;
        }
        if (failure != null) {
            out.warn("conflict probe for " + config.virtualAddress() + " failed (" + failure + "); adding without it");
        }
        probing = Probing.ANSWERED;
        probeAnswer = failure == null ? owner : Optional.empty();
        nextAttemptAt = now;
        return true;
    }

    /**
     * The promote-check answered question {@code ticket}: true when the answer belongs to this acquisition, which is
     * then due at once (primary) or after a short pause (not primary, or the check failed).
     */
    boolean promoteAnswered(long now, long ticket, boolean primary, String failure) {
        if (ticket != promoteTicket || promotion != Promotion.ASKED) {
            return false;
        }
        if (primary) {
            promotion = Promotion.PRIMARY;
            nextAttemptAt = now;
        } else {
            if (failure != null) {
                out.debug("promote-check failed: " + failure);
            }
            promotion = Promotion.UNKNOWN;
            nextAttemptAt = Math.min(now + PROMOTE_POLL_MS, promoteGivesUpAt());
        }
        return true;
    }

    /** Whether a waiting acquisition should try again now; consumes the due attempt. */
    boolean due(long now) {
        if (now < nextAttemptAt) {
            return false;
        }
        nextAttemptAt = NEVER;
        return true;
    }

    long nextAttemptAt() {
        return nextAttemptAt;
    }

    /** One attempt at {@code now}. */
    Outcome attempt(long now, Notices notices) {
        String tookOverFrom = null;
        if (!explained) {
            Optional<String> owner;
            if (probing == Probing.IDLE) {
                return probe(now);
            } else if (probing == Probing.ANSWERED) {
                owner = probeAnswer;
            } else if (now < probeGivesUpAt) {
                return waitForProbe(now);
            } else {
                out.warn("conflict probe for " + config.virtualAddress() + " did not answer within its window plus "
                        + "takeover-timeout; adding without it");
                owner = Optional.empty();
            }
            probing = Probing.IDLE;
            switch (conflict.judge(now, owner)) {
                case FIRST_SEEN -> {
                    notices.notice(Kind.CONFLICT, owner.orElseThrow() + " answers for "
                            + config.virtualAddress().host() + " and the DCS does not explain it; not adding for up to "
                            + "takeover-timeout " + Durations.format(config.takeoverTimeout()));
                    return waitUntil(conflict.nextProbeAt());
                }
                case WAIT -> {
                    return waitUntil(conflict.nextProbeAt());
                }
                case TAKE_OVER -> {
                    tookOverFrom = owner.orElseThrow();
                    notices.notice(Kind.CONFLICT, "taking over " + config.virtualAddress().host() + " from "
                            + tookOverFrom + ": it still answers after takeover-timeout and the DCS still names "
                            + "this node");
                }
                case ADD -> explained = true; // nobody answered: later attempts need not probe again
            }
        }
        if (promoteAsker != null && promotion != Promotion.PRIMARY) {
            if (now < promoteGivesUpAt()) {
                if (promotion == Promotion.UNKNOWN) {
                    promotion = Promotion.ASKED;
                    promoteAsker.ask(promoteTicket);
                }
                // the answer comes as an event; meanwhile wake each keepalive-period, so the state machine keeps
                // what named this node confirmed while Patroni promotes
                return waitUntil(Math.min(promoteGivesUpAt(), now + config.keepalivePeriod().toMillis()));
            }
            promotion = Promotion.PRIMARY;
            out.warn("promote-check: PostgreSQL here is still not confirmed primary after takeover-timeout "
                    + Durations.format(config.takeoverTimeout()) + "; adding the VIP anyway, since the DCS names "
                    + "this node");
        }
        Optional<String> announceFailure;
        try {
            announceFailure = address.addAndAnnounce();
        } catch (IOException e) {
            return new Outcome.Failed("adding the VIP failed: " + e.getMessage() + "; retrying in "
                    + Durations.format(config.retryTimeout()));
        }
        announceFailure.ifPresent(why -> out.warn("VIP added but announcing it failed (" + why + "); clients may "
                + "reach the old holder until their ARP caches expire"));
        nextAttemptAt = NEVER;
        return new Outcome.Held(tookOverFrom);
    }

    /** Sends a probe; its answer, or its deadline (window plus takeover-timeout, as the call's), wakes the attempt. */
    private Outcome probe(long now) {
        Duration window = quickProbe ? AcquisitionCause.MISSING_PROBE_WINDOW : conflict.probeWindow();
        quickProbe = false; // once someone answered, the conflict procedure probes at its own pace
        probing = Probing.ASKED;
        probeGivesUpAt = now + window.plus(config.takeoverTimeout()).toMillis();
        probeAsker.ask(++probeTicket, window);
        return waitForProbe(now);
    }

    /** As for the promote-check: wake each keepalive-period meanwhile, so what named this node stays confirmed. */
    private Outcome waitForProbe(long now) {
        return waitUntil(Math.min(probeGivesUpAt, now + config.keepalivePeriod().toMillis()));
    }

    private long promoteGivesUpAt() {
        return startedAt + config.takeoverTimeout().toMillis();
    }

    private Outcome waitUntil(long at) {
        nextAttemptAt = at;
        return new Outcome.Waiting();
    }
}
