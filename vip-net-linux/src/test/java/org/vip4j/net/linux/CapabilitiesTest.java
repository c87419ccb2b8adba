package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    private static String status(String capEff) {
        return "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t" + capEff + "\nCapEff:\t" + capEff + "\n";
    }

    @Test
    void rootHasEverything() {
        assertThat(Capabilities.missing(status("000001ffffffffff"))).isEmpty();
    }

    @Test
    void exactlyTheTwoNeededAreEnough() {
        assertThat(Capabilities.missing(status("0000000000003000"))).isEmpty();
    }

    @Test
    void missingRawIsNamedWithTheSystemdFix() {
        assertThat(Capabilities.missing(status("0000000000001000"))).hasValue(
                "the basic address manager lacks CAP_NET_RAW (needed for gratuitous ARP and neighbour"
                        + " advertisements). Run as root, or grant them in the systemd unit:"
                        + " AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW");
    }

    @Test
    void missingBothNamesBoth() {
        assertThat(Capabilities.missing(status("0000000000000000")).orElseThrow())
                .contains("CAP_NET_ADMIN (needed to add and remove the VIP) and CAP_NET_RAW")
                .endsWith("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW");
    }

    @Test
    void noCapEffLineIsReported() {
        assertThat(Capabilities.missing("Name:\tjava\n")).hasValueSatisfying(m -> assertThat(m).contains("CapEff"));
    }
}
