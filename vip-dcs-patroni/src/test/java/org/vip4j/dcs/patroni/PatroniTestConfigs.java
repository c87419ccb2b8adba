package org.vip4j.dcs.patroni;

import java.net.URI;
import java.time.Duration;
import org.vip4j.VipConfig;

/** Configurations for tests: a 100 ms poll and a 500 ms deadline. */
final class PatroniTestConfigs {

    private PatroniTestConfigs() {
    }

    static VipConfig.Builder builder(URI endpoint) {
        return VipConfig.builder()
                .set("ip", "198.51.100.10")
                .set("netmask", "24")
                .set("interface", "lo")
                .triggerKey("/leader")
                .dcsType("patroni")
                .dcsEndpoints(endpoint)
                .interval(Duration.ofMillis(100))
                .keepalivePeriod(Duration.ofMillis(500));
    }
}
