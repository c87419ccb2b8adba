package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.VipEvent.Kind.CONFLICT;
import static org.vip4j.VipEvent.Kind.RECONCILED;
import static org.vip4j.testing.FakeAddressManager.Op.ADD;
import static org.vip4j.testing.FakeAddressManager.Op.ANNOUNCE;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vip4j.VipState;

/**
 * The interface reports its own changes (rtnetlink in production, the fake here, which tells every watch as the
 * kernel does): the machine corrects the interface at once, without waiting for the interval, and a holder whose
 * link comes back announces again. No clock moves in these tests: all of it happens "now".
 */
class InterfaceChangesTest {

    @Test
    void aVipRemovedBehindTheHoldersBackIsReAddedAtOnce() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.net.removeBehindTheBack(h.vip);
            h.run();
            assertThat(h.holds()).isTrue();
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
            assertThat(h.net.count(ANNOUNCE)).as("announced again after the re-add").isEqualTo(2);
            assertThat(h.events.stream().filter(e -> e.kind() == RECONCILED).findFirst().orElseThrow().reason())
                    .contains("removed behind vip4j's back");
            assertThat(h.net.probeWindows()).as("start-up: the full window; went missing: the short one")
                    .containsExactly(Duration.ofMillis(200), Duration.ofMillis(5));
        }
    }

    @Test
    void aVipThatWentMissingWhileAForeignOwnerAnswersGetsTheWholeConflictProcedure() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.net.foreignOwner("MAC 02:00:00:00:00:99"); // someone added it elsewhere, and removed it here
            h.net.removeBehindTheBack(h.vip);
            h.run();
            assertThat(h.holds()).as("no add while an owner the DCS does not explain answers").isFalse();
            assertThat(h.kinds()).contains(CONFLICT);
            h.advance(Duration.ofMillis(4_900));
            assertThat(h.holds()).isFalse();
            h.advance(Duration.ofMillis(200));
            assertThat(h.holds()).as("taken over after takeover-timeout, the DCS still naming this node").isTrue();
            assertThat(h.net.probeWindows().subList(1, 3)).containsExactly(Duration.ofMillis(5),
                    Duration.ofMillis(200));
        }
    }

    @Test
    void aStrayVipOnANodeThatDoesNotLeadIsRemovedAtOnce() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n2");
            h.start();
            h.net.addBehindTheBack(h.vip);
            h.run();
            assertThat(h.holds()).isFalse();
            assertThat(h.kinds()).contains(RECONCILED);
        }
    }

    @Test
    void theHolderAnnouncesAgainWhenItsLinkComesBack() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            long announced = h.net.count(ANNOUNCE);
            h.net.link(false);
            h.run();
            assertThat(h.logLines).as("a deletion starts as a link down: the WARN waits a moment")
                    .noneMatch(l -> l.contains("lost its link"));
            h.advance(Duration.ofMillis(LinkTracker.WARN_DELAY_MS));
            assertThat(h.net.count(ANNOUNCE)).as("nothing to announce into a dead link").isEqualTo(announced);
            assertThat(h.logLines).anyMatch(l -> l.startsWith("WARN") && l.contains("eth0 lost its link"));
            h.net.link(true);
            h.run();
            assertThat(h.net.count(ANNOUNCE)).isEqualTo(announced + 1);
            assertThat(h.holds()).isTrue();
            assertThat(h.events.get(h.events.size() - 1).reason()).contains("the link of eth0 is back");
        }
    }

    @Test
    void aHolderWhoseLinkComesBackConfirmsAtOnceOnAFreshConnection() {
        // what went out while the link was down waits out TCP's retransmission backoff: a blip shorter than the
        // lease must not run it out because the confirmation in flight is stuck on the old connection
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.dcs.hangConfirms();
            h.net.link(false);
            h.advance(Duration.ofMillis(1_700)); // one confirmation asked, stuck
            int asked = h.dcs.confirmCalls();
            h.net.link(true);
            h.run();
            assertThat(h.dcs.reconnects()).containsExactly("the link of eth0 is back");
            assertThat(h.dcs.confirmCalls()).as("asked again at once, superseding the stuck one").isEqualTo(asked + 1);
            assertThat(h.logLines).as("an operator sees the gap end").anyMatch(l -> l.contains("leadership confirmed "
                    + "again, 1700 ms after the last confirmation"));
            h.advance(Duration.ofMillis(2_000)); // past the lease the stuck confirmation would have left
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
            h.dcs.restore(); // the stuck one fails at last: superseded, it counts for nothing
            h.run();
            assertThat(h.logLines).anyMatch(l -> l.contains("a superseded confirmation failed"));
            h.advance(Duration.ofMillis(3_000));
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
            assertThat(h.holds()).isTrue();
        }
    }

    @Test
    void aDeletedInterfaceIsOneWarnAndTheVipGoesBackTheMomentItIsUpAgain() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            int linesBefore = h.logLines.size();
            h.net.interfaceRemoved();
            h.run();
            assertThat(h.holds()).isFalse();
            h.advance(Duration.ofSeconds(10)); // missing for ten retry-timeouts
            List<String> warnings = h.logLines.subList(linesBefore, h.logLines.size()).stream()
                    .filter(l -> l.startsWith("WARN")).toList();
            assertThat(warnings).as("WARN lines while eth0 was missing").hasSize(1);
            assertThat(warnings.get(0)).contains("interface eth0 was deleted, and the VIP with it")
                    .contains("goes back on as soon as eth0 exists and is up again");
            assertThat(h.net.count(ADD)).as("no add tried on an interface that is not there").isEqualTo(1);
            h.net.interfaceCreated();
            h.run(); // no time passes: at once, not at the next retry
            assertThat(h.holds()).isTrue();
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
            // unconfirmed for 10 s meanwhile: one confirmation first (DCS_LOST until it answers), then the add
            assertThat(h.events).anyMatch(e -> e.reason().contains("interface eth0 is up again"));
        }
    }

    @Test
    void anInterfaceBackWhileTheDcsIsAwayGetsTheVipTheMomentTheDcsConfirmsNotAtTheNextRetry() {
        // the lab, once in three runs: eth0 deleted for 3 s, etcd (reached through it) reported lost 54 ms before
        // the new eth0 came up, confirmed again 28 ms after; the VIP then waited 2.9 s more for retry-timeout
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.net.interfaceRemoved();
            h.run();
            assertThat(h.holds()).isFalse();
            h.advance(Duration.ofMillis(2_900));
            h.dcs.goUnreachable("the watch left a progress request unanswered");
            h.run();
            assertThat(h.state()).isEqualTo(VipState.DCS_LOST);
            h.net.interfaceCreated(); // its return seen while the DCS cannot say who leads: nothing added yet
            h.run();
            assertThat(h.holds()).isFalse();
            h.dcs.restore(); // the watch delivers, the confirmation it asks for names n1
            h.run(); // no time passes: at once, not at the retry due 3 s after the last one
            assertThat(h.state()).isEqualTo(VipState.HOLDING);
            assertThat(h.holds()).isTrue();
        }
    }

    @Test
    void aStandbyAnnouncesNothingWhenItsLinkComesBack() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n2");
            h.start();
            h.net.link(false);
            h.net.link(true);
            h.run();
            assertThat(h.net.count(ANNOUNCE)).isZero();
            assertThat(h.holds()).isFalse();
        }
    }

    @Test
    void theHoldersOwnAddAndRemoveCauseNoCorrection() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.put("n2");
            h.put("n1");
            h.run();
            assertThat(h.kinds()).doesNotContain(RECONCILED);
            assertThat(h.holds()).isTrue();
        }
    }
}
