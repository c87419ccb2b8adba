package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.VipEvent.Kind.DCS_LOST;
import static org.vip4j.VipEvent.Kind.TAKEOVER_FAILED;
import static org.vip4j.testing.FakeAddressManager.Op.ADD;
import static org.vip4j.testing.FakeAddressManager.Op.REMOVE;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vip4j.VipState;

/**
 * Every deadline is consumed by its handler or cleared with the state it belongs to, and every deadline runs on the
 * monotonic ticker. The harness fails any step after which the machine asks to be woken at or before now (the real
 * loop would spin on it), so each test here also proves that.
 */
class DeadlinesTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aRetryThatIsNoLongerWantedDoesNotStayDue() {
        try (Harness h = new Harness("n1")) {
            h.net.fail(ADD, new IOException("adding 198.51.100.100/24 to interface dum0 failed: ENODEV"));
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            assertThat(h.kinds()).contains(TAKEOVER_FAILED);
            h.put("n2"); // the key moves on while the retry is pending
            h.advance(Duration.ofSeconds(10));
            assertThat(h.state()).isEqualTo(VipState.STANDBY);
            assertThat(h.net.count(ADD)).as("no retry for a node that no longer leads").isEqualTo(1);
            h.net.heal(ADD);
            h.put("n1");
            assertThat(h.holds()).as("back as leader with no retry pending, it acquires at once").isTrue();
        }
    }

    @Test
    void aConfirmationInFlightIsWaitedForWithoutWakingUpInThePast() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.dcs.hangConfirms();
            int before = h.dcs.confirmCalls();
            // asked at 1 s, due again at 2 s while still in flight: the loop must sleep until it counts as failed
            h.advance(Duration.ofMillis(2_500));
            assertThat(h.holds()).isTrue();
            assertThat(h.dcs.confirmCalls() - before).as("one hung request, not re-sent before it counts as failed")
                    .isEqualTo(1);
            h.advance(Duration.ofMillis(600));
            assertThat(h.dcs.confirmCalls() - before).as("after two periods it failed and the next one went out")
                    .isEqualTo(2);
        }
    }

    @Test
    void aWallClockStepBackOfAnHourDoesNotStretchTheLease() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            h.clock.stepWall(HOUR.negated());
            h.dcs.partition();
            h.advance(Duration.ofMillis(2_999));
            assertThat(h.holds()).isTrue();
            h.advance(Duration.ofMillis(1));
            assertThat(h.holds()).as("released retry-num x keepalive-period after the last confirmation").isFalse();
            assertThat(h.events.stream().filter(e -> e.kind() == DCS_LOST).findFirst().orElseThrow().reason())
                    .contains("not confirmed for 3000 ms");
        }
    }

    @Test
    void aWallClockStepForwardOfAnHourChangesNothing() {
        try (Harness h = new Harness("n1")) {
            h.dcs.put(Harness.KEY, "n1");
            h.start();
            int events = h.events.size();
            h.clock.stepWall(HOUR);
            h.advance(Duration.ofSeconds(10));
            h.clock.stepWall(HOUR.negated().multipliedBy(2));
            h.advance(Duration.ofSeconds(10));
            assertThat(h.holds()).isTrue();
            assertThat(h.net.count(REMOVE)).isZero();
            assertThat(h.events).hasSize(events);
        }
    }
}
