package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vip4j.VipEvent.Kind;
import org.vip4j.spi.LeaderObservation;

/** Preferred and fallback candidates: who claims a free key when, asking a fallback holder to give way, hold-down. */
class CampaignPreferenceTest {

    private static final long TTL = 3_000;
    private static final long HOLD_DOWN = 5_000;
    private static final long FALLBACK_DELAY = 1_000;

    private final Campaign c = new Campaign("n1", TTL, 1_000, 500, 300, 1, 1, HOLD_DOWN, FALLBACK_DELAY);
    private long now = 10_000;

    private List<Kind> kinds() {
        return c.takeNotices().stream().map(Campaign.Notice::kind).toList();
    }

    private void free(long revision) {
        c.onObservation(new LeaderObservation.NoLeader(revision), now);
    }

    /** Fallback, the key free for the fallback delay, nobody asking: claims it, written with its tier. */
    private void electAsFallback() {
        c.onRequestObservation(new LeaderObservation.NoLeader(1), now);
        free(5);
        c.onHealth(Campaign.Standing.FALLBACK, "read-only 200", now);
        assertThat(c.takeCalls()).as("a fallback does not claim a key that has just become free").isEmpty();
        assertThat(c.nextWakeMillis()).isEqualTo(now + FALLBACK_DELAY);
        now += FALLBACK_DELAY;
        c.onTick(now);
        assertThat(c.takeCalls()).singleElement().isInstanceOf(Campaign.Call.Grant.class);
        c.onGranted(1, 77, now);
        assertThat(c.takeCalls()).containsExactly(new Campaign.Call.Claim(77, "n1;fallback"));
        c.onClaimed(77, true, now);
        assertThat(c.holds(now)).isTrue();
        assertThat(kinds()).containsExactly(Kind.ELIGIBLE, Kind.CAMPAIGN, Kind.ELECTED);
    }

    @Test
    void aFallbackClaimsAFreeKeyOnlyAfterTheFallbackDelay() {
        electAsFallback();
    }

    @Test
    void aFallbackWaitsWhileAPreferredNodeAsksForTheKey() {
        c.onRequestObservation(new LeaderObservation.Leader("n2", 3), now);
        free(5);
        c.onHealth(Campaign.Standing.FALLBACK, "read-only 200", now);
        now += 10 * FALLBACK_DELAY;
        c.onTick(now);
        assertThat(c.takeCalls()).isEmpty();
        assertThat(c.nextWakeMillis()).isEqualTo(Campaign.NEVER);
        c.onRequestObservation(new LeaderObservation.NoLeader(6), now); // the asker's lease ended: it never claimed
        assertThat(c.takeCalls()).singleElement().isInstanceOf(Campaign.Call.Grant.class);
    }

    @Test
    void aFallbackHolderGivesWayWhenAPreferredNodeAsks() {
        electAsFallback();
        c.onObservation(new LeaderObservation.Leader("n1;fallback", 6), now);
        c.onRequestObservation(new LeaderObservation.Leader("n2", 7), now + 10);
        assertThat(c.holds(now + 10)).isFalse();
        assertThat(c.takeCalls()).singleElement().isInstanceOfSatisfying(Campaign.Call.Revoke.class,
                r -> assertThat(r.lease()).isEqualTo(77));
        assertThat(c.takeNotices()).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(Kind.PREEMPTED);
            assertThat(n.reason()).contains("n2 passes its health-check and asks for the election key");
        });
    }

    @Test
    void aPreferredNodeAsksAFallbackHolderToGiveWayOnlyAfterItsHoldDown() {
        c.onRequestObservation(new LeaderObservation.NoLeader(1), now);
        c.onObservation(new LeaderObservation.Leader("n2;fallback", 5), now);
        c.onHealth(Campaign.Standing.PREFERRED, "replica 200", now);
        long eligibleAt = now;
        assertThat(c.takeCalls()).as("within its hold-down").isEmpty();
        assertThat(c.nextWakeMillis()).isEqualTo(eligibleAt + HOLD_DOWN);

        // the check flaps: the hold-down starts again
        c.onHealth(Campaign.Standing.NONE, "replica 503", now + 2_000);
        c.onHealth(Campaign.Standing.PREFERRED, "replica 200", now + 3_000);
        now += 3_000 + HOLD_DOWN - 1;
        c.onTick(now);
        assertThat(c.takeCalls()).isEmpty();
        now += 1;
        c.onTick(now);
        assertThat(c.takeCalls()).containsExactly(new Campaign.Call.AskToYield(1));
        assertThat(c.takeNotices()).last().satisfies(n -> assertThat(n.reason())
                .contains("on fallback candidate n2").contains("asking it to give way"));

        c.onAsked(1, 90, true, now + 2);
        assertThat(c.requestLease()).isEqualTo(90);
        c.onRequestObservation(new LeaderObservation.Leader("n1", 6), now + 3);
        c.onObservation(new LeaderObservation.NoLeader(7), now + 4); // n2 resigned
        assertThat(c.takeCalls()).as("claims at once").singleElement().isInstanceOf(Campaign.Call.Grant.class);
        c.onGranted(1, 91, now + 5);
        assertThat(c.takeCalls()).containsExactly(new Campaign.Call.Claim(91, "n1"));
        c.onClaimed(91, true, now + 6);
        assertThat(c.takeCalls()).as("the request is withdrawn once elected")
                .containsExactly(new Campaign.Call.Revoke(90, "the request is no longer needed"));
        assertThat(c.requestLease()).isZero();
    }

    @Test
    void aPreferredNodeDoesNotAskAPreferredHolder() {
        c.onRequestObservation(new LeaderObservation.NoLeader(1), now);
        c.onObservation(new LeaderObservation.Leader("n2", 5), now);
        c.onHealth(Campaign.Standing.PREFERRED, "replica 200", now);
        now += 10 * HOLD_DOWN;
        c.onTick(now);
        assertThat(c.takeCalls()).isEmpty();
        assertThat(c.nextWakeMillis()).isEqualTo(Campaign.NEVER);
    }

    @Test
    void aPreferredHolderWhoseCheckFailsButWhoseFallbackPassesResignsAndMayComeBackAsAFallback() {
        c.onRequestObservation(new LeaderObservation.NoLeader(1), now);
        free(5);
        c.onHealth(Campaign.Standing.PREFERRED, "replica 200", now);
        c.onGranted(1, 77, now);
        assertThat(c.takeCalls()).containsExactly(new Campaign.Call.Grant(1), new Campaign.Call.Claim(77, "n1"));
        c.onClaimed(77, true, now);
        c.onObservation(new LeaderObservation.Leader("n1", 6), now);
        kinds();

        c.onHealth(Campaign.Standing.FALLBACK, "replica 503; read-only 200", now + 100); // promoted
        assertThat(c.holds(now + 100)).isFalse();
        assertThat(c.takeCalls()).singleElement().isInstanceOf(Campaign.Call.Revoke.class);
        assertThat(kinds()).containsExactly(Kind.RESIGNED, Kind.ELIGIBLE);
        assertThat(c.standing()).isEqualTo(Campaign.Standing.FALLBACK);

        now += 120;
        free(7); // the revoke deleted the key; no other node claims it
        now += FALLBACK_DELAY;
        c.onTick(now);
        c.onGranted(2, 78, now);
        assertThat(c.takeCalls()).containsExactly(new Campaign.Call.Grant(2), new Campaign.Call.Claim(78,
                "n1;fallback"));
    }

    @Test
    void aFallbackHolderWhoseCheckPassesAgainKeepsTheKeyUntilAskedAndAFallBackCostsNothing() {
        electAsFallback();
        c.onObservation(new LeaderObservation.Leader("n1;fallback", 6), now);
        c.onHealth(Campaign.Standing.PREFERRED, "replica 200", now + 10); // demoted to a replica under the VIP
        assertThat(c.holds(now + 10)).isTrue();
        c.onHealth(Campaign.Standing.FALLBACK, "replica 503; read-only 200", now + 20);
        assertThat(c.holds(now + 20)).as("the key said fallback all along: no resign").isTrue();
        assertThat(c.takeCalls()).isEmpty();
        assertThat(kinds()).containsExactly(Kind.ELIGIBLE, Kind.ELIGIBLE);
        c.onHealth(Campaign.Standing.PREFERRED, "replica 200", now + 30);
        c.onRequestObservation(new LeaderObservation.Leader("n2", 7), now + 40);
        assertThat(c.holds(now + 40)).as("asked by a preferred node: gives way, its key says fallback").isFalse();
        assertThat(kinds()).endsWith(Kind.PREEMPTED);
    }
}
