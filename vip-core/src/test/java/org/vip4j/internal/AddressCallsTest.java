package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vip4j.VirtualAddress;
import org.vip4j.testing.FakeAddressManager;

/**
 * The old holder's successor watch, and its warm-up at start: the warm-up runs the same code with the decision
 * already taken, so even a claim heard while it runs (another host announcing the VIP at that moment) removes
 * nothing.
 */
class AddressCallsTest {

    private static final Duration EVERY = Duration.ofMillis(2);

    @Test
    void theWarmUpRemovesNothingEvenWhenAnotherHostClaimsTheVipWhileItRuns() throws Exception {
        VirtualAddress vip = vip();
        FakeAddressManager net = new FakeAddressManager();
        net.add(vip);
        net.foreignOwner("02:00:00:00:00:02"); // heard inside watchForClaim, before it returns
        List<String> reports = new ArrayList<>();
        try (AddressCalls calls = new AddressCalls(net, vip, Duration.ofSeconds(1))) {
            calls.warmUpReleaseOnClaim(EVERY, (owner, failure) -> reports.add(owner));
        }
        assertThat(net.holds(vip)).as("still ours").isTrue();
        assertThat(net.count(FakeAddressManager.Op.REMOVE)).isZero();
        assertThat(reports).isEmpty();
        assertThat(net.activeClaimWatches()).as("closed again").isZero();
    }

    @Test
    void aRealWatchRemovesTheVipOnTheSameClaimAndReportsIt() throws Exception {
        VirtualAddress vip = vip();
        FakeAddressManager net = new FakeAddressManager();
        net.add(vip);
        net.foreignOwner("02:00:00:00:00:02");
        List<String> reports = new ArrayList<>();
        try (AddressCalls calls = new AddressCalls(net, vip, Duration.ofSeconds(1))) {
            calls.releaseOnClaim(EVERY, (owner, failure) -> reports.add(owner + " " + failure));
        }
        assertThat(net.holds(vip)).isFalse();
        assertThat(reports).containsExactly("02:00:00:00:00:02 null");
    }

    private static VirtualAddress vip() throws Exception {
        return new VirtualAddress(InetAddress.getByName("198.51.100.100"), 24, "eth0");
    }
}
