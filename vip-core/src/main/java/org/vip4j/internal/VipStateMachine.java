package org.vip4j.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.vip4j.DcsLossPolicy;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent.Kind;
import org.vip4j.VipState;
import org.vip4j.spi.InterfaceChange;
import org.vip4j.spi.LeaderObservation;

/**
 * Decides, for one VIP, whether this node holds it. Driven by the loop thread only: observations from the watch,
 * confirmation results and ticks go in; address calls, confirmation requests and events come out. No threads, no
 * waiting, clock injected: unit tests drive it step by step.
 *
 * <p>The invariants of DESIGN.md section 4 are kept here: hold only on a fresh confirmation; release after
 * {@code retry-num × keepalive-period} without one (unless {@code dcs-loss=keep}); probe before an unexplained add;
 * reconcile every {@code interval}; release on stop; one event per transition. The handover grace of section 6 is
 * the one bounded exception to releasing on a deleted key.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class VipStateMachine {

    private static final long NEVER = Long.MAX_VALUE;
    /**
     * The period of the old holder's successor watch during a handover: how often an IPv6 watch sends its
     * duplicate-address probe (the next holder's kernel defends the address to all nodes, an announcement) and how
     * often any watch checks whether it was closed. IPv4 only listens for the next holder's gratuitous ARP.
     */
    public static final Duration HANDOVER_PROBE_EVERY = Duration.ofMillis(2);

    private final VipConfig config;
    private final Ticker clock;
    private final AddressCalls address;
    private final Confirmer confirmer;
    private final SuccessorWatcher successorWatcher;
    private final Transitions out;
    private final String me;
    private final Keepalive keepalive;
    private final long intervalMs;
    private final long retryMs;
    private final long graceMs;
    private final Acquisition acquisition;
    private final Handoff handoff = new Handoff();

    private volatile VipState state = VipState.STARTING;
    private String leader;
    private boolean leaderKnown;
    private boolean dcsReachable = true;
    private boolean vipHeld;
    private boolean confirmBeforeAcquire;
    private long lastObservedRevision;
    private long nextReconcileAt;
    private long retryAt = NEVER;
    private final LinkTracker link = new LinkTracker();
    private long handoffTickets;

    public VipStateMachine(VipConfig config, Ticker clock, AddressCalls address, ProbeAsker probeAsker,
                           Confirmer confirmer, SuccessorWatcher successorWatcher, Transitions out,
                           PromoteAsker promoteAsker) {
        this.config = config;
        this.clock = clock;
        this.address = address;
        this.confirmer = confirmer;
        this.successorWatcher = successorWatcher;
        this.out = out;
        this.me = config.triggerValue();
        this.keepalive = new Keepalive(config.keepalivePeriod().toMillis(), config.dcsLossTimeout().toMillis());
        this.intervalMs = config.interval().toMillis();
        this.retryMs = config.retryTimeout().toMillis();
        this.graceMs = config.handoverGrace().toMillis();
        this.acquisition = new Acquisition(config, address, probeAsker, promoteAsker, out);
        this.nextReconcileAt = clock.millis() + intervalMs;
    }

    public VipState state() {
        return state;
    }

    /**
     * When the loop must call {@link #onTick()} next, in ticker millis; {@link Long#MAX_VALUE} for never. After
     * {@code onTick()} at {@code now} this is always later than {@code now}: every deadline is consumed by its handler
     * or cleared with the state it belongs to, so the loop can never spin on a deadline nobody handles.
     */
    public long nextWakeMillis() {
        if (state.isTerminal()) {
            return NEVER;
        }
        long next = Math.min(Math.min(nextReconcileAt, handoff.nextWakeAt()),
                Math.min(Math.min(retryAt, link.warnAt()), acquisition.nextAttemptAt()));
        if (wantsConfirms()) {
            next = Math.min(next, keepalive.nextWakeAt());
        }
        if (state == VipState.HOLDING) {
            next = Math.min(next, keepalive.expiresAt());
        }
        return next;
    }

    /** An observation from the watch, in the order the DCS client delivered them. */
    public void onObservation(LeaderObservation obs) {
        if (state.isTerminal()) {
            return;
        }
        if (obs instanceof LeaderObservation.Unreachable u) {
            onUnreachable(u.reason());
            return;
        }
        lastObservedRevision = Math.max(lastObservedRevision, obs.revision());
        if (names(obs)) {
            keepalive.named(clock.millis());
        }
        if (!dcsReachable) {
            dcsReachable = true;
            if (state == VipState.DCS_LOST) {
                restore("the DCS watch delivers again");
                if (!vipHeld && names(obs)) {
                    // the value may come from a node that was itself cut off: confirm before adding
                    confirmBeforeAcquire = true;
                    confirmNow();
                }
            }
        }
        apply(obs);
    }

    /** The result of confirmation {@code ticket}, which this machine asked for. */
    public void onConfirmed(long ticket, LeaderObservation obs) {
        if (state.isTerminal()) {
            return;
        }
        if (obs instanceof LeaderObservation.Unreachable u) {
            int failures = keepalive.failed(ticket);
            out.debug(failures == 0 ? "a superseded confirmation failed: " + u.reason()
                    : "confirmation " + failures + " failed: " + u.reason());
            return;
        }
        if (obs.revision() > 0 && obs.revision() < lastObservedRevision) {
            out.debug("ignoring a confirmation at revision " + obs.revision() + ", older than the watch's "
                    + lastObservedRevision);
            return;
        }
        if (vipHeld && names(obs) && keepalive.late(clock.millis())) {
            out.info("leadership confirmed again, " + keepalive.unconfirmedFor(clock.millis()) + " ms after the last "
                    + "confirmation (" + keepalive.failures() + " failed in between)");
        }
        keepalive.succeeded(ticket, clock.millis(), names(obs));
        boolean restored = confirmBeforeAcquire; // the watch came back first and asked for this confirmation
        if (state == VipState.DCS_LOST) {
            dcsReachable = true;
            restore("the DCS confirms again");
            restored = true;
        }
        confirmBeforeAcquire = false;
        if (restored && state == VipState.STANDBY && retryAt != NEVER && names(obs) && link.state() == LinkState.UP) {
            // a retry set before or while the DCS was away (the VIP lost with its interface, a failed add) does not
            // wait out retry-timeout now that a linearizable read names this node and the interface is up: as when
            // the interface comes back with the DCS reachable. Otherwise an interface back during the outage (its
            // return seen while the DCS could not say who leads) would leave the VIP off until the timer
            retryAt = NEVER;
        }
        apply(obs);
    }

    /**
     * The successor watch of handoff {@code ticket} saw {@code owner} claim the VIP and removed it, off the loop
     * thread; {@code removeFailure} is null when the removal worked.
     */
    public void onHandedOver(long ticket, String owner, String removeFailure) {
        if (state.isTerminal()) {
            return;
        }
        if (state != VipState.HOLDING || !handoff.isCurrent(ticket)) {
            // the handoff ended here first (key back, DCS lost, grace over) while the watch was removing the VIP
            out.debug("handover watch " + ticket + " saw " + owner + " after its handoff had ended here"
                    + (removeFailure == null ? "; the VIP was removed, reconciling now" : ""));
            if (removeFailure == null) {
                nextReconcileAt = clock.millis();
            }
            return;
        }
        String why = handoff.handedOverReason(owner, config.virtualAddress().host(), clock.millis());
        if (removeFailure != null) {
            release(VipState.STANDBY, Kind.LEADER_CHANGED, why + "; removing it there failed (" + removeFailure
                    + "), removing it again");
            return;
        }
        handoff.cancel();
        transition(VipState.RELEASING, Kind.LEADER_CHANGED, why);
        vipHeld = false;
        transition(VipState.STANDBY, Kind.RELEASED, "VIP removed from " + config.interfaceName());
    }

    /**
     * The promote-check answered question {@code ticket} ({@code failure} null when it could be asked): an answer
     * for the acquisition under way lets it add at once, or ask again shortly; any other is dropped.
     */
    public void onPromoteAnswer(long ticket, boolean primary, String failure) {
        if (state.isTerminal()) {
            return;
        }
        long now = clock.millis();
        continueIfItsAnswer(acquisition.promoteAnswered(now, ticket, primary, failure), now);
    }

    /**
     * Conflict probe {@code ticket} heard {@code owner} answer for the VIP (empty: nobody; {@code failure} null when
     * it could listen): the acquisition under way goes on at once; an answer for one that has ended is dropped.
     */
    public void onProbeAnswer(long ticket, Optional<String> owner, String failure) {
        if (state.isTerminal()) {
            return;
        }
        long now = clock.millis();
        continueIfItsAnswer(acquisition.probeAnswered(now, ticket, owner, failure), now);
    }

    /** An answer the acquisition under way was waiting for makes it due now: it goes on at once. */
    private void continueIfItsAnswer(boolean itsAnswer, long now) {
        if (itsAnswer && state == VipState.ACQUIRING && acquisition.due(now)) {
            continueAcquire();
        }
    }

    /**
     * The interface changed (rtnetlink told us): re-check it now instead of at the next interval. A VIP removed
     * behind our back is re-added, a stray one removed; when the link is back the holder announces again, since
     * whatever it sent meanwhile was lost and switches may have forgotten where the VIP lives.
     */
    public void onInterfaceChange(InterfaceChange change) {
        if (state.isTerminal()) {
            return;
        }
        String name = config.interfaceName();
        switch (change.kind()) {
            case LINK_DOWN -> link.down(clock.millis());
            case INTERFACE_REMOVED -> {
                link.removed();
                out.warn("interface " + name + " was deleted" + (isLeaderMe()
                        ? ", and the VIP with it; it goes back on as soon as " + name + " exists and is up again"
                        : ""));
                if (state == VipState.ACQUIRING) {
                    abandonAcquisition(VipState.STANDBY, Kind.RECONCILED, "interface " + name + " is gone");
                    retryAt = clock.millis() + retryMs;
                } else {
                    reconcile();
                }
            }
            case LINK_UP -> {
                if (link.up()) {
                    out.debug("the link of " + name + " was down for less than " + LinkTracker.WARN_DELAY_MS + " ms");
                }
                reconcile(); // IPv6 addresses go with the link unless keep_addr_on_down is set
                if (state == VipState.HOLDING && vipHeld && !handoff.active()) {
                    try {
                        address.announce();
                        notice(Kind.RECONCILED, "the link of " + config.interfaceName() + " is back; VIP announced");
                    } catch (IOException e) {
                        out.warn("the link of " + config.interfaceName() + " is back but announcing the VIP failed: "
                                + e.getMessage());
                    }
                }
                // announced first: clients need the ARP more than the DCS needs the ms. What was sent to the DCS
                // while the link was down waits out TCP's retransmission backoff (up to seconds past the link's
                // return): fresh connections, and a confirmation now rather than at the next period, so a blip
                // shorter than the lease costs no release
                confirmer.reconnect("the link of " + config.interfaceName() + " is back");
                if (wantsConfirms()) {
                    confirmNow(); // supersedes one in flight on the dropped connection
                }
                if (state == VipState.STANDBY && retryAt != NEVER && isLeaderMe() && dcsReachable) {
                    // the VIP went while the interface was down or gone: no reason to wait out retry-timeout
                    retryAt = NEVER;
                    acquire(AcquisitionCause.WENT_MISSING, "interface " + name + " is up again; adding the VIP");
                }
            }
            default -> {
                // null: notifications were lost, so any change may have been ours
                if (change.address() == null || change.address().equals(config.virtualAddress().address())) {
                    reconcile();
                }
            }
        }
    }

    /** Deadlines: keepalive, DCS loss, grace, retries, probes, reconcile. Cheap when nothing is due. */
    public void onTick() {
        if (state.isTerminal()) {
            return;
        }
        long now = clock.millis();
        if (handoff.due(now)) {
            release(VipState.STANDBY, Kind.LEADER_CHANGED, handoff.expiredReason(config.virtualAddress().host()));
        }
        if (keepalive.due(now) && wantsConfirms()) {
            confirmNow();
        }
        if (state == VipState.HOLDING) {
            switch (keepalive.lease(now)) {
                case RAN_OUT -> dcsLost(now);
                case RAN_OUT_DURING_A_PAUSE -> {
                    out.warn("woke " + keepalive.unconfirmedFor(now) + " ms after the last confirmation: this process "
                            + "could not run (stopped, or stalled); one confirmation decides before the VIP goes");
                    confirmUnlessInFlight();
                }
                default -> { }
            }
        }
        if (link.warnDue(now)) {
            out.warn("interface " + config.interfaceName() + " lost its link (no carrier)"
                    + (vipHeld ? "; the VIP stays and is announced again when the link is back" : ""));
        }
        if (now >= retryAt) {
            // consumed whatever happened meanwhile: a retry that is no longer wanted must not stay due
            retryAt = NEVER;
            if (state == VipState.STANDBY && isLeaderMe() && dcsReachable && interfaceStillMissing()) {
                retryAt = now + retryMs; // the safety net, should the notification of its return be lost
            } else if (state == VipState.STANDBY && isLeaderMe() && dcsReachable) {
                acquire(AcquisitionCause.UNEXPLAINED, "retrying the acquisition after retry-timeout");
            }
        }
        if (acquisition.due(now) && state == VipState.ACQUIRING) {
            continueAcquire();
        }
        if (now >= nextReconcileAt) {
            nextReconcileAt = now + intervalMs;
            reconcile(Duration.ofMillis(intervalMs / 2)); // the safety net: a look shared with the other VIPs will do
        }
    }

    /** Stops: removes the VIP unless {@code keepVip}. Final. */
    public void stop(boolean keepVip) {
        if (state.isTerminal()) {
            return;
        }
        handoff.cancel();
        boolean present = vipHeld;
        if (!keepVip) {
            try {
                present = address.isPresent();
            } catch (IOException e) {
                out.warn("cannot check " + config.virtualAddress() + " on close: " + e.getMessage());
            }
        }
        if (keepVip || !present) {
            transition(VipState.STOPPED, Kind.STOPPED, keepVip && vipHeld
                    ? "closed; VIP left on " + config.interfaceName() + " (keep on stop)" : "closed");
            return;
        }
        transition(VipState.RELEASING, Kind.STOPPED, "closing: removing the VIP before exit");
        try {
            address.remove();
            vipHeld = false;
            transition(VipState.STOPPED, Kind.RELEASED, "VIP removed from " + config.interfaceName() + " on close");
        } catch (IOException e) {
            transition(VipState.STOPPED, Kind.RELEASE_FAILED, "removing the VIP on close failed: " + e.getMessage());
        }
    }

    // --- observations ------------------------------------------------------------------------------------------

    private void apply(LeaderObservation obs) {
        String previous = leader;
        boolean wasKnown = leaderKnown;
        leader = obs instanceof LeaderObservation.Leader l ? l.value() : null;
        leaderKnown = true;
        boolean changed = !wasKnown || !Objects.equals(previous, leader);
        String change = Transitions.describeChange(config.triggerKey(), me, previous, wasKnown, obs);
        switch (state) {
            case STARTING, STANDBY -> {
                if (isLeaderMe()) {
                    if (confirmBeforeAcquire || retryAt != NEVER) {
                        return; // a confirmation or the retry timer decides
                    }
                    // a move to us that we watched happen explains the old holder; a start-up does not
                    acquire(wasKnown && changed ? AcquisitionCause.HANDOVER : AcquisitionCause.UNEXPLAINED, change);
                } else if (state == VipState.STARTING) {
                    transition(VipState.STANDBY, Kind.LEADER_CHANGED, change);
                    nextReconcileAt = clock.millis(); // a crashed run may have left the VIP here
                } else if (changed) {
                    notice(Kind.LEADER_CHANGED, change);
                }
            }
            case ACQUIRING -> {
                if (!isLeaderMe()) {
                    abandonAcquisition(VipState.STANDBY, Kind.LEADER_CHANGED, change + "; acquisition abandoned");
                }
            }
            case HOLDING -> holderSees(obs, changed, change);
            default -> {
                if (changed) { notice(Kind.LEADER_CHANGED, change); }
            }
        }
    }

    private void holderSees(LeaderObservation obs, boolean changed, String change) {
        if (isLeaderMe()) {
            if (handoff.active()) {
                handoff.cancel();
                notice(Kind.LEADER_CHANGED, change + " within handover-grace; VIP kept without a flap");
                reconcile(); // the grace skipped the interface's news: a VIP removed meanwhile comes back now
            }
            return;
        }
        if (handoff.active()) {
            // within the grace of a watched delete: keep the VIP until the next leader has it (see Handoff)
            if (obs instanceof LeaderObservation.Leader l && confirmer.namesTheLeader()) {
                boolean first = handoff.successor() == null;
                handoff.retarget(l.value());
                if (first) {
                    notice(Kind.HANDOVER_WAIT, change + "; keeping the VIP until " + l.value() + " answers for it, "
                            + "at most until handover-grace ends");
                }
            }
            return;
        }
        // a DCS that speaks only for this node (Patroni's REST API) cannot name the next leader: "not here" is a
        // departure with the successor unknown, as a delete is, and the next leader learns of its leadership only at
        // its own next poll, up to one interval later
        boolean successorUnknown = obs instanceof LeaderObservation.NoLeader
                || (changed && obs instanceof LeaderObservation.Leader && !confirmer.namesTheLeader());
        if (successorUnknown && graceMs > 0) {
            long wait = confirmer.namesTheLeader() ? graceMs : graceMs + config.interval().toMillis();
            long ticket = ++handoffTickets;
            handoff.begin(clock.millis(), clock.millis() + wait, ticket, successorWatcher.watch(ticket));
            notice(Kind.HANDOVER_WAIT, change + "; keeping the VIP for at most " + Durations.format(
                    Duration.ofMillis(wait)) + (confirmer.namesTheLeader() ? " (handover-grace)"
                    : " (handover-grace + interval: the next leader hears of it at its next poll)")
                    + " for the next leader");
            return;
        }
        if (changed) {
            release(VipState.STANDBY, Kind.LEADER_CHANGED, change);
        }
    }

    private void onUnreachable(String reason) {
        boolean wasReachable = dcsReachable;
        dcsReachable = false;
        switch (state) {
            case STARTING, STANDBY -> transition(VipState.DCS_LOST, Kind.DCS_LOST,
                    "DCS unreachable (" + reason + "); this node will not take the VIP until it answers");
            case ACQUIRING -> abandonAcquisition(VipState.DCS_LOST, Kind.DCS_LOST, "DCS unreachable (" + reason
                    + ") during acquisition; VIP not added");
            case HOLDING -> {
                if (handoff.active()) {
                    release(VipState.DCS_LOST, Kind.DCS_LOST, "DCS unreachable (" + reason
                            + ") during handover-grace; a lost DCS never gets a grace");
                } else if (wasReachable) {
                    long left = Math.max(0, keepalive.expiresAt() - clock.millis());
                    out.warn("DCS watch unreachable (" + reason + "); holding the VIP for at most " + left
                            + " ms more unless leadership is confirmed (retry-num x keepalive-period)");
                    confirmUnlessInFlight();
                }
            }
            default -> { } // already lost, releasing or stopped
        }
    }

    // --- acquiring and releasing -------------------------------------------------------------------------------

    private void acquire(AcquisitionCause cause, String why) {
        acquisition.begin(clock.millis(), cause);
        transition(VipState.ACQUIRING, Kind.LEADER_CHANGED, why);
        continueAcquire();
    }

    private void continueAcquire() {
        long now = clock.millis();
        if (keepalive.namingStale(now)) {
            // a retry, a takeover wait or a VIP gone missing while the DCS is away: what named us is too old
            dcsReachable = false;
            abandonAcquisition(VipState.DCS_LOST, Kind.DCS_LOST, "leadership last confirmed "
                    + keepalive.namedFor(now) + " ms ago, more than retry-num x keepalive-period; VIP not added until "
                    + "the DCS confirms it again");
            confirmUnlessInFlight();
            return;
        }
        Acquisition.Outcome outcome = acquisition.attempt(now, this::notice);
        if (outcome instanceof Acquisition.Outcome.Waiting
                && keepalive.namedFor(clock.millis()) >= config.keepalivePeriod().toMillis()) {
            confirmUnlessInFlight(); // another host answers and we wait for takeover-timeout: stay confirmed meanwhile
        }
        if (outcome instanceof Acquisition.Outcome.Failed f) {
            retryAt = clock.millis() + retryMs;
            transition(VipState.STANDBY, Kind.TAKEOVER_FAILED, f.reason());
        } else if (outcome instanceof Acquisition.Outcome.Held h) {
            vipHeld = true;
            keepalive.granted();
            confirmNow(); // the watch value that started this may be stale: a linearizable read settles it
            transition(VipState.HOLDING, Kind.ACQUIRED, "VIP added to " + config.interfaceName() + " and announced"
                    + (h.tookOverFrom() == null ? "" : "; took over from " + h.tookOverFrom()));
        }
    }

    private void abandonAcquisition(VipState to, Kind kind, String why) {
        acquisition.abandon();
        transition(to, kind, why);
        reconcile(); // while it waited, the interface's news was not ours to act on (a VIP added by hand, say)
    }

    private void release(VipState to, Kind kind, String why) {
        handoff.cancel();
        transition(VipState.RELEASING, kind, why);
        try {
            address.remove();
            vipHeld = false;
            transition(to, Kind.RELEASED, "VIP removed from " + config.interfaceName());
        } catch (IOException e) {
            vipHeld = false;
            nextReconcileAt = clock.millis() + retryMs;
            transition(to, Kind.RELEASE_FAILED, "removing the VIP failed: " + e.getMessage() + "; retrying in "
                    + Durations.format(config.retryTimeout()));
        }
    }

    private void dcsLost(long now) {
        String why = keepalive.lossReason(now);
        if (config.dcsLoss() == DcsLossPolicy.KEEP) {
            transition(VipState.DCS_LOST, Kind.DCS_LOST, why + "; keeping the VIP (dcs-loss=keep)");
        } else {
            release(VipState.DCS_LOST, Kind.DCS_LOST, why + "; releasing the VIP (dcs-loss=release)");
        }
    }

    private void restore(String why) {
        transition(vipHeld ? VipState.HOLDING : VipState.STANDBY, Kind.DCS_RESTORED, why);
        if (vipHeld) {
            confirmNow();
        }
    }

    private void reconcile() {
        reconcile(Duration.ZERO);
    }

    /** Checks the interface against what this node holds; {@code maxAge} as in the SPI's presence check. */
    private void reconcile(Duration maxAge) {
        if (state != VipState.HOLDING && state != VipState.STANDBY && state != VipState.DCS_LOST) {
            return;
        }
        if (handoff.active()) {
            return; // the successor watch may be removing the VIP right now: its report settles the state
        }
        boolean present;
        try {
            present = maxAge.isZero() ? address.isPresent() : address.isPresent(maxAge);
        } catch (IOException e) {
            if (link.state() == LinkState.UP) {
                out.warn("reconcile: cannot check " + config.virtualAddress() + ": " + e.getMessage());
            } else {
                out.debug("reconcile: cannot check " + config.virtualAddress() + " (interface " + link.state() + "): "
                        + e.getMessage());
            }
            if (vipHeld && link.state() == LinkState.MISSING) {
                lostWithTheInterface();
            }
            return;
        }
        out.trace("reconcile: VIP is " + (present ? "present" : "absent") + ", must be "
                + (vipHeld ? "present" : "absent"));
        if (vipHeld && !present && link.state() != LinkState.UP) {
            lostWithTheInterface();
        } else if (vipHeld && !present) {
            vipHeld = false;
            acquisition.begin(clock.millis(), AcquisitionCause.WENT_MISSING);
            transition(VipState.ACQUIRING, Kind.RECONCILED, "VIP disappeared from " + config.interfaceName()
                    + " while this node holds it (removed behind vip4j's back); re-adding");
            continueAcquire();
        } else if (!vipHeld && present) {
            try {
                address.remove();
                notice(Kind.RECONCILED, "removed a stray VIP from " + config.interfaceName() + " (this node does not "
                        + "hold it; leader: " + (leader == null ? "none" : leader) + ")");
            } catch (IOException e) {
                notice(Kind.RELEASE_FAILED, "removing a stray VIP failed: " + e.getMessage());
            }
        }
    }

    /** The VIP went while its interface was down or gone: re-added when rtnetlink says it is up again. */
    private void lostWithTheInterface() {
        vipHeld = false;
        retryAt = clock.millis() + retryMs;
        transition(state == VipState.DCS_LOST ? VipState.DCS_LOST : VipState.STANDBY, Kind.RECONCILED,
                "VIP gone from " + config.interfaceName() + " with its link (" + link.state() + "); re-added as soon "
                        + "as the interface is up again");
    }

    /** While rtnetlink says the interface is gone: whether it still is (a lost notification must not strand us). */
    private boolean interfaceStillMissing() {
        if (link.state() != LinkState.MISSING) {
            return false;
        }
        try {
            address.isPresent();
            link.foundAgain(); // it exists again and its news was lost: act as on its return
            return false;
        } catch (IOException e) {
            out.debug("interface " + config.interfaceName() + " still missing (" + e.getMessage() + "); checking again"
                    + " in " + Durations.format(config.retryTimeout()));
            return true;
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private boolean wantsConfirms() {
        return vipHeld || state == VipState.DCS_LOST || confirmBeforeAcquire;
    }

    private void confirmUnlessInFlight() {
        if (!keepalive.inFlight()) {
            confirmNow();
        }
    }

    private void confirmNow() {
        confirmer.requestConfirm(keepalive.requested(clock.millis()));
    }

    private boolean isLeaderMe() {
        return me.equals(leader);
    }

    private boolean names(LeaderObservation obs) {
        return obs instanceof LeaderObservation.Leader l && me.equals(l.value());
    }

    private void transition(VipState to, Kind kind, String reason) {
        VipState from = state;
        state = to;
        out.emit(kind, from, to, leader, vipHeld, reason);
    }

    private void notice(Kind kind, String reason) {
        out.emit(kind, state, state, leader, vipHeld, reason);
    }
}
