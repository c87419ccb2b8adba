package org.vip4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.vip4j.VipEvent.Kind;
import org.vip4j.spi.LeaderObservation;

/**
 * One node's side of an election (DESIGN section 9), decided without I/O: it takes health results, observations
 * of the election key and the DCS's answers, and returns the calls to make (grant, claim, renew, revoke). Time in
 * ticker millis, given by the caller.
 *
 * <p>The one promise it keeps: {@link #holds} is true only while the DCS cannot have given the key to anyone else.
 * A lease granted or renewed by a request sent at {@code t} ends on the server no earlier than {@code t + ttl}
 * (the server counts from when it gets the request), so this node's hold ends at {@code t + ttl - margin}, where
 * the margin (handover-grace and {@link ElectionRules#SAFETY}) leaves the VIP's manager the time to let go first.
 *
 * <p>Preference (DESIGN section 9): a node whose health-check fails but whose fallback-check passes is a fallback
 * candidate. It claims a free key only after the key has stayed free for fallback-delay and no preferred node asks
 * for it, writes its tier into the key ({@link ElectionValue}), and gives the key up when a preferred node asks: the
 * asker writes the request key (the election key + {@code .preempt}) under a lease of its own, once its health-check
 * has passed for election-hold-down in a row, so a node whose check flaps cannot pull the VIP back and forth.
 *
 * <p>Not thread-safe: one caller at a time (the election's strand). Internal: not part of the vip4j API.
 */
final class Campaign {

    static final long NEVER = Long.MAX_VALUE;

    /** Where the campaign is; one of these at a time, nothing else stands for a state. */
    enum Phase {
        /** The health check does not pass (or has not passed yet): not a candidate. */
        INELIGIBLE,
        /** A candidate waiting for the key to be absent (or, after a failed call, for the retry time). */
        WAITING,
        /** A lease was asked for. */
        GRANTING,
        /** The create-if-absent write was sent under the lease. */
        CLAIMING,
        /** The key is this node's, under a lease renewed in time. */
        HOLDING
    }

    /** Where one health round puts this node: preferred (health-check passes), fallback, or not a candidate. */
    enum Standing {
        NONE,
        FALLBACK,
        PREFERRED
    }

    /** This node's request that a fallback holder give way. */
    private enum Request {
        NONE,
        /** The request's lease and write were asked for. */
        ASKING,
        /** The request key names this node, under {@link #requestLease}. */
        POSTED
    }

    /** A call for the driver to make; answers come back through the {@code on...} methods. */
    sealed interface Call {
        record Grant(long ticket) implements Call { }

        /** {@code value}: this node's name, with its tier ({@link ElectionValue}). */
        record Claim(long lease, String value) implements Call { }

        record Renew(long lease, long sentAt) implements Call { }

        /** Best effort: a revoke that fails leaves the lease to expire on the server, which is safe, only slower. */
        record Revoke(long lease, String why) implements Call { }

        /** Asks the fallback holder to give way: a lease of its own, and the request key claimed under it. */
        record AskToYield(long ticket) implements Call { }
    }

    /**
     * Something an operator should read: one log line and one event each; a {@code null} kind is a warning that
     * changes nothing (a renewal that failed while the hold lasts), logged without an event.
     */
    record Notice(Kind kind, String reason) { }

    private final String me;
    private final long ttlMs;
    private final long renewEveryMs;
    private final long marginMs;
    private final long retryMs;
    private final int rise;
    private final int fall;
    private final long holdDownMs;
    private final long fallbackDelayMs;

    private Phase phase = Phase.INELIGIBLE;
    /** NONE exactly when the phase is INELIGIBLE. */
    private Standing standing = Standing.NONE;
    /** Rounds in a row that saw this node above (below) its standing. */
    private int upInARow;
    private int downInARow;
    private long preferredSince;
    /** The last observation of the key (null before the first). */
    private LeaderObservation key;
    /** When the key was last seen becoming free. */
    private long freeSince;
    /** The last observation of the request key (null before the first). */
    private LeaderObservation asked;
    private Request request = Request.NONE;
    private long requestTicket;
    private long requestLease;
    private long requestRetryAt = Long.MIN_VALUE;
    /** What the claim (the one being made, or the hold) wrote: this node's tier then. */
    private boolean claimedAsFallback;
    private long grantTicket;
    private long grantSentAt;
    private long lease;
    /** The newest revision seen before the claim: older news of the key cannot be about this node's hold. */
    private long claimBase;
    private long holdUntil;
    private long nextRenewAt = NEVER;
    private long retryAt = Long.MIN_VALUE;
    private boolean staleKeyLogged;
    private final List<Call> calls = new ArrayList<>();
    private final List<Notice> notices = new ArrayList<>();

    Campaign(String me, long ttlMs, long renewEveryMs, long marginMs, long retryMs, int rise, int fall) {
        this(me, ttlMs, renewEveryMs, marginMs, retryMs, rise, fall, 0, 0);
    }

    Campaign(String me, long ttlMs, long renewEveryMs, long marginMs, long retryMs, int rise, int fall,
             long holdDownMs, long fallbackDelayMs) {
        this.holdDownMs = holdDownMs;
        this.fallbackDelayMs = fallbackDelayMs;
        this.me = Objects.requireNonNull(me, "me");
        this.ttlMs = ttlMs;
        this.renewEveryMs = renewEveryMs;
        this.marginMs = marginMs;
        this.retryMs = retryMs;
        this.rise = rise;
        this.fall = fall;
    }

    Phase phase() {
        return phase;
    }

    String debugState() {
        return "standing=" + standing + " key=" + key + " asked=" + asked + " request=" + request + " retryAt=" + retryAt
                + " requestRetryAt=" + requestRetryAt + " preferredSince=" + preferredSince + " freeSince=" + freeSince;
    }

    Standing standing() {
        return standing;
    }

    /** Whether this node holds the key at {@code now}: the only answer the VIP's manager acts on. */
    boolean holds(long now) {
        return phase == Phase.HOLDING && now < holdUntil;
    }

    /** The lease this campaign has (claiming or holding), or 0. */
    long lease() {
        return lease;
    }

    /** The lease of this node's request that a fallback holder give way, or 0. */
    long requestLease() {
        return requestLease;
    }

        /** The end of the hold (exclusive), or 0 when not holding. */
    long holdUntil() {
        return phase == Phase.HOLDING ? holdUntil : 0;
    }

    long nextWakeMillis() {
        return switch (phase) {
            case HOLDING -> Math.min(nextRenewAt, holdUntil);
            case WAITING -> Math.min(claimWake(), requestWake());
            default -> NEVER;
        };
    }

    /** When a waiting candidate may claim the free key: after a failed call's retry time, or fallback-delay. */
    private long claimWake() {
        if (!(key instanceof LeaderObservation.NoLeader)) {
            return NEVER;
        }
        long at = retryAt == Long.MIN_VALUE ? NEVER : retryAt;
        if (standing == Standing.FALLBACK && asked instanceof LeaderObservation.NoLeader) {
            at = at == NEVER ? freeSince + fallbackDelayMs : Math.max(at, freeSince + fallbackDelayMs);
        }
        return at;
    }

    /** When a preferred candidate may ask a fallback holder to give way: at the end of its hold-down. */
    private long requestWake() {
        if (!mayAsk()) {
            return NEVER;
        }
        return Math.max(preferredSince + holdDownMs, requestRetryAt);
    }

    /** The calls to make now, in order; emptied by the call. */
    List<Call> takeCalls() {
        List<Call> out = List.copyOf(calls);
        calls.clear();
        return out;
    }

    List<Notice> takeNotices() {
        List<Notice> out = List.copyOf(notices);
        notices.clear();
        return out;
    }

    // --- health -------------------------------------------------------------------------------------------------

    /** One health check's result; {@code rise} passes in a row make a node eligible, {@code fall} failures not. */
    void onHealth(boolean healthy, String detail, long now) {
        onHealth(healthy ? Standing.PREFERRED : Standing.NONE, detail, now);
    }

    /**
     * One health round: {@code rise} rounds in a row above this node's standing raise it, {@code fall} rounds in a row
     * below it lower it.
     */
    void onHealth(Standing seen, String detail, long now) {
        int cmp = seen.compareTo(standing);
        if (cmp > 0) {
            downInARow = 0;
            if (++upInARow >= rise) {
                rise(seen, detail, now);
            }
        } else if (cmp < 0) {
            upInARow = 0;
            if (++downInARow >= fall) {
                fall(seen, detail, now);
            }
        } else {
            upInARow = 0;
            downInARow = 0;
        }
    }

    private void rise(Standing seen, String detail, long now) {
        Standing was = standing;
        String passed = (seen == Standing.PREFERRED ? "health-check" : "fallback-check") + " passed " + upInARow
                + " time(s) in a row (" + detail + ")";
        standing = seen;
        upInARow = 0;
        if (seen == Standing.PREFERRED) {
            preferredSince = now;
        }
        if (was == Standing.NONE) {
            phase = Phase.WAITING;
            retryAt = Long.MIN_VALUE;
        }
        notices.add(new Notice(Kind.ELIGIBLE, passed + (seen == Standing.FALLBACK
                ? ": a fallback candidate, elected only while no node passes its health-check"
                : was == Standing.FALLBACK ? ": a preferred candidate again" : ": a candidate for the election key")));
        if (phase == Phase.WAITING) {
            waiting(now);
        }
    }

    private void fall(Standing seen, String detail, long now) {
        String why = (standing == Standing.PREFERRED ? "health-check" : "fallback-check") + " failed " + downInARow
                + " time(s) in a row (" + detail + ")";
        boolean held = phase == Phase.HOLDING;
        standing = seen;
        downInARow = 0;
        dropRequest();
        if (held && seen == Standing.FALLBACK && claimedAsFallback) {
            // it rose while holding and fell back: the key has said fallback all along, so it keeps the VIP
            notices.add(new Notice(Kind.ELIGIBLE, why + "; fallback-check passes: a fallback candidate again, "
                    + "holding the key as one"));
            return;
        }
        dropLease(why);
        if (seen == Standing.NONE) {
            phase = Phase.INELIGIBLE;
            notices.add(new Notice(held ? Kind.RESIGNED : Kind.INELIGIBLE, why + (held
                    ? ": resigned, the election key is deleted so that another node is elected at once"
                    : ": no longer a candidate")));
            return;
        }
        // preferred -> fallback: the key says preferred and nobody would ask this node to give way, so it resigns
        // now; it claims the key back as a fallback if no preferred node does within fallback-delay
        phase = Phase.WAITING;
        if (held) {
            notices.add(new Notice(Kind.RESIGNED, why + ": resigned, the election key is deleted so that a node whose "
                    + "health-check passes takes it"));
        }
        notices.add(new Notice(Kind.ELIGIBLE, "fallback-check passes (" + detail + "): a fallback candidate, "
                + "elected only while no node passes its health-check"));
        waiting(now);
    }

    // --- the key ------------------------------------------------------------------------------------------------

    void onObservation(LeaderObservation obs, long now) {
        if (obs instanceof LeaderObservation.NoLeader && !(key instanceof LeaderObservation.NoLeader)) {
            freeSince = now;
        }
        key = obs;
        if (phase == Phase.HOLDING && !(obs instanceof LeaderObservation.Unreachable) && obs.revision() > claimBase
                && !namesMe(obs)) {
            String what = obs instanceof LeaderObservation.Leader l ? "now names " + l.value() : "was deleted";
            dropLease("the election key " + what);
            phase = Phase.WAITING;
            notices.add(new Notice(Kind.LEASE_LOST, "the election key " + what + " (revision " + obs.revision()
                    + ") while this node held it: not the holder any more"));
        }
        if (obs instanceof LeaderObservation.Leader l && !ElectionValue.parse(l.value()).fallback() && !namesMe(obs)) {
            dropRequest(); // a preferred node holds the key: nobody is to give way
        }
        if (phase == Phase.WAITING) {
            waiting(now);
        }
    }

    /** The request key: a preferred node asking the fallback holder to give way (DESIGN section 9). */
    void onRequestObservation(LeaderObservation obs, long now) {
        asked = obs;
        yieldIfAsked();
        if (phase == Phase.WAITING) {
            waiting(now);
        }
    }

    // --- the DCS's answers --------------------------------------------------------------------------------------

    void onGranted(long ticket, long grantedLease, long now) {
        if (phase != Phase.GRANTING || ticket != grantTicket) {
            calls.add(new Call.Revoke(grantedLease, "granted after the campaign moved on"));
            return;
        }
        lease = grantedLease;
        phase = Phase.CLAIMING;
        claimBase = key == null ? 0 : key.revision();
        claimedAsFallback = standing == Standing.FALLBACK;
        calls.add(new Call.Claim(lease, new ElectionValue(me, claimedAsFallback).encoded()));
    }

    void onGrantFailed(long ticket, String why, long now) {
        if (phase == Phase.GRANTING && ticket == grantTicket) {
            retryLater("asking for a lease failed (" + why + ")", now);
        }
    }

    void onClaimed(long claimedLease, boolean won, long now) {
        if (phase != Phase.CLAIMING || claimedLease != lease) {
            return; // the campaign moved on, and revoked that lease when it did
        }
        if (won) {
            phase = Phase.HOLDING;
            holdUntil = grantSentAt + ttlMs - marginMs;
            nextRenewAt = grantSentAt + renewEveryMs;
            notices.add(new Notice(Kind.ELECTED, "elected" + (standing == Standing.FALLBACK ? " as a fallback" : "")
                    + ": the election key names this node under lease " + Long.toHexString(lease) + " (ttl " + ttlMs
                    + " ms)"));
            dropRequest();
            yieldIfAsked();
            return;
        }
        dropLease("another node claimed the key first");
        phase = Phase.WAITING;
        notices.add(new Notice(Kind.CAMPAIGN, "another node claimed the election key first; waiting for it to be "
                + "free"));
    }

    void onClaimFailed(long claimedLease, String why, long now) {
        if (phase == Phase.CLAIMING && claimedLease == lease) {
            dropLease("the claim got no answer (it may have been written)");
            retryLater("claiming the election key failed (" + why + ")", now);
        }
    }

    void onRenewed(long renewedLease, long sentAt, boolean alive, long now) {
        if (phase != Phase.HOLDING || renewedLease != lease) {
            return;
        }
        if (alive) {
            holdUntil = Math.max(holdUntil, sentAt + ttlMs - marginMs);
            return;
        }
        lease = 0;
        phase = Phase.WAITING;
        notices.add(new Notice(Kind.LEASE_LOST, "the DCS says lease is gone (expired or revoked): not the holder any "
                + "more"));
        waiting(now);
    }

    /** A renewal with no answer; the next one is due at its time anyway, and the hold ends at its own time. */
    void onRenewFailed(long renewedLease, String why, long now) {
        if (phase == Phase.HOLDING && renewedLease == lease) {
            notices.add(new Notice(null, "renewing lease " + Long.toHexString(lease) + " failed (" + why
                    + "); this node lets the VIP go in " + Math.max(0, holdUntil - now) + " ms unless a renewal "
                    + "gets through"));
        }
    }

    // --- time ---------------------------------------------------------------------------------------------------

    void onTick(long now) {
        if (phase == Phase.HOLDING) {
            if (now >= holdUntil) {
                dropLease("not renewed in time");
                phase = Phase.WAITING;
                notices.add(new Notice(Kind.LEASE_LOST, "lease not renewed since " + (now - (holdUntil + marginMs
                        - ttlMs)) + " ms ago; giving the key up before the lease can expire on the server"));
                waiting(now);
                return;
            }
            if (now >= nextRenewAt) {
                calls.add(new Call.Renew(lease, now));
                nextRenewAt = now + renewEveryMs;
            }
        } else if (phase == Phase.WAITING) {
            waiting(now);
        }
    }

    // --- asking a fallback holder to give way -------------------------------------------------------------------

    void onAsked(long ticket, long askLease, boolean written, long now) {
        if (request != Request.ASKING || ticket != requestTicket || !written) {
            calls.add(new Call.Revoke(askLease, written ? "the request is no longer needed"
                    : "another node's request is there already"));
            if (request == Request.ASKING && ticket == requestTicket) {
                request = Request.NONE;
            }
            return;
        }
        request = Request.POSTED;
        requestLease = askLease;
    }

    void onAskFailed(long ticket, String why, long now) {
        if (request == Request.ASKING && ticket == requestTicket) {
            request = Request.NONE;
            requestRetryAt = now + retryMs;
            notices.add(new Notice(null, "asking the fallback holder to give way failed (" + why + "); trying again in "
                    + retryMs + " ms"));
        }
    }

    /** A preferred candidate past its hold-down, the key on a fallback holder, and nobody asking yet. */
    private boolean mayAsk() {
        return phase == Phase.WAITING && standing == Standing.PREFERRED && request == Request.NONE
                && key instanceof LeaderObservation.Leader l && ElectionValue.parse(l.value()).fallback()
                && !namesMe(key) && asked instanceof LeaderObservation.NoLeader;
    }

    private void askIfDue(long now) {
        if (!mayAsk() || now < preferredSince + holdDownMs || now < requestRetryAt) {
            return;
        }
        request = Request.ASKING;
        calls.add(new Call.AskToYield(++requestTicket));
        notices.add(new Notice(Kind.CAMPAIGN, "the election key is on fallback candidate "
                + ElectionValue.parse(((LeaderObservation.Leader) key).value()).name() + " and this node's "
                + "health-check has passed for " + (now - preferredSince) + " ms: asking it to give way"));
    }

    /** A fallback holder gives way to the preferred node that asks. */
    /**
     * A holder whose key says fallback gives way to the preferred node that asks, even if its own check passes
     * again meanwhile: the asker cannot tell, and asking again every TTL would be all it could do.
     */
    private void yieldIfAsked() {
        if (phase != Phase.HOLDING || !claimedAsFallback
                || !(asked instanceof LeaderObservation.Leader l) || l.value().equals(me)) {
            return;
        }
        dropLease("preempted by " + l.value());
        phase = Phase.WAITING;
        notices.add(new Notice(Kind.PREEMPTED, l.value() + " passes its health-check and asks for the election key: "
                + "this node held it as a fallback and resigned, the key is deleted so that " + l.value()
                + " takes it"));
    }

    private void dropRequest() {
        if (request == Request.POSTED) {
            calls.add(new Call.Revoke(requestLease, "the request is no longer needed"));
        }
        request = Request.NONE;
        requestLease = 0;
    }

    // --- inside -------------------------------------------------------------------------------------------------

    /** What a waiting candidate does on any news: claim a free key, or ask a fallback holder to give way. */
    private void waiting(long now) {
        campaignIfFree(now);
        askIfDue(now);
    }

    private void campaignIfFree(long now) {
        if (phase != Phase.WAITING || now < retryAt) {
            return;
        }
        retryAt = Long.MIN_VALUE; // passed: a wake-up never points at the past
        if (key instanceof LeaderObservation.NoLeader) {
            boolean fallback = standing == Standing.FALLBACK;
            if (fallback && (!(asked instanceof LeaderObservation.NoLeader) || now < freeSince + fallbackDelayMs)) {
                return; // a preferred node asks for the key, or may still claim it
            }
            phase = Phase.GRANTING;
            grantSentAt = now;
            calls.add(new Call.Grant(++grantTicket));
            staleKeyLogged = false;
            notices.add(new Notice(Kind.CAMPAIGN, fallback ? "the election key has been free for "
                    + (now - freeSince) + " ms and no node that passes its health-check asks for it: campaigning as "
                    + "a fallback" : "the election key is free: campaigning"));
        } else if (namesMe(key) && !staleKeyLogged) {
            staleKeyLogged = true;
            notices.add(new Notice(Kind.CAMPAIGN, "the election key names this node under a lease it does not have "
                    + "(an earlier run of this node?): waiting for that lease to expire"));
        }
    }

    private boolean namesMe(LeaderObservation obs) {
        return obs instanceof LeaderObservation.Leader l && ElectionValue.parse(l.value()).name().equals(me);
    }

    private void retryLater(String why, long now) {
        phase = Phase.WAITING;
        retryAt = now + retryMs;
        notices.add(new Notice(Kind.CAMPAIGN, why + "; trying again in " + retryMs + " ms"));
    }

    private void dropLease(String why) {
        if (lease != 0) {
            calls.add(new Call.Revoke(lease, why));
            staleKeyLogged = true; // the key may name this node a while longer: under the lease just given up
        }
        lease = 0;
        nextRenewAt = NEVER;
    }
}
