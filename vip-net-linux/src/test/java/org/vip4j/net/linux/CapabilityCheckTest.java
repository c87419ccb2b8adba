package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vip4j.net.linux.testing.NetnsLab;

/**
 * The capability check for real: a JVM started without CAP_NET_RAW (or CAP_NET_ADMIN) by {@code setpriv} must fail
 * at create() with the message operators need. The check runs before any socket is opened, so nothing touches the
 * host's network.
 */
class CapabilityCheckTest {

    private static String createWithout(String... capabilities) {
        NetnsLab.requireTool("setpriv", "util-linux");
        String drop = String.join(",", java.util.Arrays.stream(capabilities).map(c -> "-" + c).toList());
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=" + drop, "--bounding-set=" + drop,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), CreateCheckMain.class.getName(), "lo"));
        return NetnsLab.run(cmd.toArray(String[]::new)).trim();
    }

    @Test
    void withoutNetRawCreateNamesItAndTheSystemdLine() {
        assertThat(createWithout("net_raw")).isEqualTo("IllegalStateException: the basic address manager lacks"
                + " CAP_NET_RAW (needed for gratuitous ARP and neighbour advertisements). Run as root, or grant them"
                + " in the systemd unit: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW");
    }

    @Test
    void withoutBothCreateNamesBoth() {
        assertThat(createWithout("net_admin", "net_raw"))
                .startsWith("IllegalStateException: the basic address manager lacks CAP_NET_ADMIN (needed to add"
                        + " and remove the VIP) and CAP_NET_RAW")
                .endsWith("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW");
    }
}
