package org.vip4j.dcs.consul;

import java.net.URI;
import java.time.Duration;
import org.vip4j.VipConfig;

/** Configurations for tests: short interval and keepalive so outages show within a second. */
final class ConsulTestConfigs {

    static final String KEY = "service/pg/leader";

    private ConsulTestConfigs() {
    }

    static VipConfig.Builder builder(URI... endpoints) {
        return VipConfig.builder()
                .set("ip", "198.51.100.10")
                .set("netmask", "24")
                .set("interface", "lo")
                .triggerKey(KEY)
                .triggerValue("n1")
                .dcsType("consul")
                .dcsEndpoints(endpoints)
                .interval(Duration.ofMillis(300))
                .keepalivePeriod(Duration.ofMillis(500));
    }
}
