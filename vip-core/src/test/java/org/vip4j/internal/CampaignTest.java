package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vip4j.VipEvent.Kind;
import org.vip4j.spi.LeaderObservation;

/** One campaign step by step: rise and fall, winning, resigning, and a hold that ends on its own clock. */
class CampaignTest {

    private static final long TTL = 3_000;
    private static final long MARGIN = 500;

    private final Campaign c = new Campaign("n1", TTL, 1_000, MARGIN, 300, 2, 1);
    private long now = 10_000;

    private List<Kind> kinds() {
        return c.takeNotices().stream().map(Campaign.Notice::kind).toList();
    }

    /** Eligible (two passes), the key free, granted, claimed: holding, with the grant sent at {@code now}. */
    private long elect() {
        c.onObservation(new LeaderObservation.NoLeader(5), now);
        c.onHealth(true, "ok", now);
        assertThat(c.phase()).as("one pass of rise 2").isEqualTo(Campaign.Phase.INELIGIBLE);
        c.onHealth(true, "ok", now);
        assertThat(c.takeCalls()).singleElement().isInstanceOf(Campaign.Call.Grant.class);
        c.onGranted(1, 77, now + 2);
        assertThat(c.takeCalls()).containsExactly(new Campaign.Call.Claim(77, "n1"));
        c.onClaimed(77, true, now + 4);
        c.onObservation(new LeaderObservation.Leader("n1", 6), now + 5); // the watch shows the put
        assertThat(c.holds(now + 5)).isTrue();
        assertThat(kinds()).containsExactly(Kind.ELIGIBLE, Kind.CAMPAIGN, Kind.ELECTED);
        return now;
    }

    @Test
    void aFailedCheckResignsAtOnce() {
        elect();
        c.onHealth(false, "503", now + 10);
        assertThat(c.holds(now + 10)).isFalse();
        assertThat(c.takeCalls()).singleElement().isInstanceOfSatisfying(Campaign.Call.Revoke.class,
                r -> assertThat(r.lease()).isEqualTo(77));
        assertThat(c.takeNotices()).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(Kind.RESIGNED);
            assertThat(n.reason()).contains("health-check failed 1 time(s) in a row (503)");
        });
        assertThat(c.phase()).isEqualTo(Campaign.Phase.INELIGIBLE);
    }

    @Test
    void aHoldNotRenewedEndsTtlMinusTheMarginAfterTheGrantWasSent() {
        long sent = elect();
        for (long t = sent + 1_000; t < sent + TTL - MARGIN; t += 1_000) {
            c.onTick(t);
            Campaign.Call renew = c.takeCalls().get(0);
            assertThat(renew).isInstanceOf(Campaign.Call.Renew.class);
            c.onRenewFailed(77, "timeout", t + 1_000);
        }
        assertThat(c.nextWakeMillis()).isEqualTo(sent + TTL - MARGIN);
        assertThat(c.holds(sent + TTL - MARGIN - 1)).isTrue();
        c.onTick(sent + TTL - MARGIN);
        assertThat(c.holds(sent + TTL - MARGIN)).isFalse();
        assertThat(kinds()).containsExactly(null, null, Kind.LEASE_LOST);
    }

    @Test
    void aRenewalExtendsTheHoldFromWhenItWasSent() {
        long sent = elect();
        c.onTick(sent + 1_000);
        Campaign.Call.Renew renew = (Campaign.Call.Renew) c.takeCalls().get(0);
        c.onRenewed(77, renew.sentAt(), true, sent + 1_900); // a slow answer counts from the request, not the answer
        assertThat(c.holdUntil()).isEqualTo(sent + 1_000 + TTL - MARGIN);
    }

    @Test
    void theKeyTakenByAnotherLeaseEndsTheHoldAndAStaleValueNamingThisNodeIsWaitedOut() {
        elect();
        c.onObservation(new LeaderObservation.Leader("n2", 9), now + 20);
        assertThat(c.holds(now + 20)).isFalse();
        assertThat(kinds()).containsExactly(Kind.LEASE_LOST);
        Campaign fresh = new Campaign("n1", TTL, 1_000, MARGIN, 300, 1, 1);
        fresh.onHealth(true, "ok", now);
        fresh.onObservation(new LeaderObservation.Leader("n1", 12), now);
        assertThat(fresh.takeCalls()).isEmpty();
        assertThat(fresh.takeNotices()).extracting(Campaign.Notice::reason)
                .contains("the election key names this node under a lease it does not have (an earlier run of this "
                        + "node?): waiting for that lease to expire");
    }
}
