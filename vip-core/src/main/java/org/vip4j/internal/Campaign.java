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

    /** A call for the driver to make; answers come back through the {@code on...} methods. */
    sealed interface Call {
        record Grant(long ticket) implements Call { }

        record Claim(long lease) implements Call { }

        record Renew(long lease, long sentAt) implements Call { }

        /** Best effort: a revoke that fails leaves the lease to expire on the server, which is safe, only slower. */
        record Revoke(long lease, String why) implements Call { }
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

    private Phase phase = Phase.INELIGIBLE;
    private int passedInARow;
    private int failedInARow;
    /** The last observation of the key (null before the first). */
    private LeaderObservation key;
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

    /** Whether this node holds the key at {@code now}: the only answer the VIP's manager acts on. */
    boolean holds(long now) {
        return phase == Phase.HOLDING && now < holdUntil;
    }

    /** The lease this campaign has (claiming or holding), or 0. */
    long lease() {
        return lease;
    }

    /** The end of the hold (exclusive), or 0 when not holding. */
    long holdUntil() {
        return phase == Phase.HOLDING ? holdUntil : 0;
    }

    long nextWakeMillis() {
        return switch (phase) {
            case HOLDING -> Math.min(nextRenewAt, holdUntil);
            case WAITING -> key instanceof LeaderObservation.NoLeader && retryAt != Long.MIN_VALUE ? retryAt : NEVER;
            default -> NEVER;
        };
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
        if (healthy) {
            failedInARow = 0;
            passedInARow++;
            if (phase == Phase.INELIGIBLE && passedInARow >= rise) {
                phase = Phase.WAITING;
                retryAt = Long.MIN_VALUE;
                notices.add(new Notice(Kind.ELIGIBLE, "health-check passed " + passedInARow + " time(s) in a row ("
                        + detail + "): a candidate for the election key"));
                campaignIfFree(now);
            }
            return;
        }
        passedInARow = 0;
        failedInARow++;
        if (phase != Phase.INELIGIBLE && failedInARow >= fall) {
            String why = "health-check failed " + failedInARow + " time(s) in a row (" + detail + ")";
            boolean held = phase == Phase.HOLDING;
            dropLease(why);
            phase = Phase.INELIGIBLE;
            notices.add(new Notice(held ? Kind.RESIGNED : Kind.INELIGIBLE, why + (held
                    ? ": resigned, the election key is deleted so that another node is elected at once"
                    : ": no longer a candidate")));
        }
    }

    // --- the key ------------------------------------------------------------------------------------------------

    void onObservation(LeaderObservation obs, long now) {
        key = obs;
        if (phase == Phase.HOLDING && !(obs instanceof LeaderObservation.Unreachable) && obs.revision() > claimBase
                && !(obs instanceof LeaderObservation.Leader l && l.value().equals(me))) {
            String what = obs instanceof LeaderObservation.Leader l ? "now names " + l.value() : "was deleted";
            dropLease("the election key " + what);
            phase = Phase.WAITING;
            notices.add(new Notice(Kind.LEASE_LOST, "the election key " + what + " (revision " + obs.revision()
                    + ") while this node held it: not the holder any more"));
        }
        if (phase == Phase.WAITING) {
            campaignIfFree(now);
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
        calls.add(new Call.Claim(lease));
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
            notices.add(new Notice(Kind.ELECTED, "elected: the election key names this node under lease "
                    + Long.toHexString(lease) + " (ttl " + ttlMs + " ms)"));
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
        campaignIfFree(now);
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
                campaignIfFree(now);
                return;
            }
            if (now >= nextRenewAt) {
                calls.add(new Call.Renew(lease, now));
                nextRenewAt = now + renewEveryMs;
            }
        } else if (phase == Phase.WAITING) {
            campaignIfFree(now);
        }
    }

    // --- inside -------------------------------------------------------------------------------------------------

    private void campaignIfFree(long now) {
        if (phase != Phase.WAITING || now < retryAt) {
            return;
        }
        if (key instanceof LeaderObservation.NoLeader) {
            phase = Phase.GRANTING;
            grantSentAt = now;
            calls.add(new Call.Grant(++grantTicket));
            staleKeyLogged = false;
            notices.add(new Notice(Kind.CAMPAIGN, "the election key is free: campaigning"));
        } else if (key instanceof LeaderObservation.Leader l && l.value().equals(me) && !staleKeyLogged) {
            staleKeyLogged = true;
            notices.add(new Notice(Kind.CAMPAIGN, "the election key names this node under a lease it does not have "
                    + "(an earlier run of this node?): waiting for that lease to expire"));
        }
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
