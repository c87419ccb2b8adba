package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vip4j.VipState;
import org.vip4j.testing.FakeAddressManager.Op;

/**
 * The sequences {@link VipStateMachinePropertiesTest} found, shrunk and pinned: each failed on the code before.
 */
class InvariantRegressionsTest {

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void aVipReAddedWhileTheDcsIsAwayKeepsTheOldLeaseAndDoesNotStartANewOne() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.dcs.goUnreachable("test: etcd down"); // last word from the DCS: now
            h.advance(ms(1_400));
            h.net.removeBehindTheBack(h.vip); // re-added: the lease still has 1.6 s
            h.run();
            assertThat(h.holds()).isTrue();
            h.advance(ms(1_601));
            assertThat(h.holds()).as("3 s after the DCS last confirmed, not 3 s after the re-add").isFalse();
            assertThat(h.state()).isEqualTo(VipState.DCS_LOST);
        }
    }

    @Test
    void aRetryDoesNotAddOnAValueOlderThanTheLease() {
        try (Harness h = new Harness("n1")) {
            h.net.fail(Op.ADD, new IOException("test: ENODEV"));
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.dcs.partition(); // the watch falls silent without noticing
            h.net.heal(Op.ADD);
            h.advance(ms(3_100)); // retry-timeout: the retry finds only a 3.1 s old value
            assertThat(h.holds()).isFalse();
            assertThat(h.state()).isEqualTo(VipState.DCS_LOST);
            assertThat(h.events.get(h.events.size() - 1).reason()).startsWith("leadership last confirmed 3000 ms "
                    + "ago, more than retry-num x keepalive-period; VIP not added until the DCS confirms it again");
            h.dcs.restore();
            h.advance(ms(10));
            assertThat(h.holds()).as("confirmed again: added").isTrue();
        }
    }

    @Test
    void aHolderFrozenFiveSecondsWhoseKeyDidNotMoveKeepsTheVipWithoutAFlap() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.advance(ms(500));
            h.clock.advance(Duration.ofSeconds(5)); // SIGSTOP: no deadline fires
            h.run();
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
            assertThat(h.holds()).isTrue();
            assertThat(h.net.count(Op.REMOVE)).as("no flap").isZero();
            assertThat(h.logLines).anyMatch(l -> l.contains("could not run (stopped, or stalled); one confirmation "
                    + "decides before the VIP goes"));
        }
    }

    @Test
    void aHolderFrozenWhileItsKeyMovedLetsGoOnWaking() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.dcs.partition(); // what the frozen process does not hear
            h.dcs.put(Harness.KEY, "n2");
            h.clock.advance(Duration.ofSeconds(5));
            h.dcs.restore(); // on waking the stream delivers what it buffered
            h.run();
            assertThat(h.holds()).isFalse();
            assertThat(h.state()).isEqualTo(VipState.STANDBY);
        }
    }

    @Test
    void aFrozenHolderWhoseDcsIsGoneOnWakingReleasesAfterOneConfirmationPeriod() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.clock.advance(Duration.ofSeconds(5));
            h.dcs.partition();
            h.run();
            assertThat(h.holds()).as("the confirmation is still out").isTrue();
            h.advance(ms(1_000));
            assertThat(h.holds()).isFalse();
            assertThat(h.state()).isEqualTo(VipState.DCS_LOST);
        }
    }

    @Test
    void aTakeoverWaitLongerThanTheLeaseStillTakesOverOnFreshConfirmations() {
        try (Harness h = new Harness("n1")) {
            h.net.foreignOwner("02:00:00:00:00:99");
            h.dcs.put(Harness.KEY, "n1");
            h.start(); // unexplained: probe, then wait takeover-timeout (5 s) while the other host answers
            h.advance(Duration.ofSeconds(6));
            assertThat(h.holds()).as("took over after takeover-timeout, leadership confirmed meanwhile").isTrue();
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
        }
    }

    @Test
    void theKeyNamingThisNodeAgainDuringAHandoverBringsBackAVipRemovedMeanwhile() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.delete(); // handover grace
            h.put("n2");
            h.net.removeBehindTheBack(h.vip);
            h.run();
            h.put("n1"); // the key comes back before the grace ends: kept without a flap, so it must be there
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
            assertThat(h.holds()).isTrue();
        }
    }

    @Test
    void aVipAddedByHandDuringAnAbandonedAcquisitionIsRemoved() {
        try (Harness h = new Harness("n1")) {
            h.net.foreignOwner("02:00:00:00:00:99");
            h.dcs.put(Harness.KEY, "n1");
            h.start(); // waiting for takeover-timeout
            assertThat(h.state()).isEqualTo(VipState.ACQUIRING);
            h.net.addBehindTheBack(h.vip);
            h.run();
            h.put("n2"); // acquisition abandoned
            assertThat(h.state()).isEqualTo(VipState.STANDBY);
            assertThat(h.holds()).as("a stray, removed at once").isFalse();
        }
    }

    @Test
    void aVipAddedByHandWhileAnAcquisitionWaitsIsRemovedWhenTheDcsIsLost() {
        // found by the property test with promote-check: the acquisition waited for Patroni's answer, someone
        // added the VIP by hand, the DCS went silent; the acquisition ended in DCS_LOST with the stray still there
        try (Harness h = new Harness("n1", b -> b.promoteCheck(URI.create("http://127.0.0.1:8008/primary")))) {
            h.promoteAnswersByHand = true;
            h.start();
            h.put("n1");
            assertThat(h.state()).isEqualTo(VipState.ACQUIRING);
            h.net.addBehindTheBack(h.vip);
            h.run();
            h.dcs.partition();
            h.advance(ms(3_100));
            assertThat(h.state()).isEqualTo(VipState.DCS_LOST);
            assertThat(h.holds()).as("a stray, removed as the acquisition ends").isFalse();
        }
    }
}
