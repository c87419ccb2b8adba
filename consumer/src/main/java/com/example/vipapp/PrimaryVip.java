package com.example.vipapp;

import java.net.InetAddress;
import java.net.URI;
import org.slf4j.Logger;
import org.vip4j.VipConfig;
import org.vip4j.VipManager;

/** The README's embedding example, as a user's code would hold it; scripts/consumer-test.sh checks they match. */
public final class PrimaryVip {

    /** Whatever the embedding service waits on until it stops. */
    public interface Service {
        void awaitShutdown() throws InterruptedException;
    }

    private PrimaryVip() {
    }

    public static void run(Logger log, Service service) throws Exception {
        // README:begin
        VipConfig config = VipConfig.builder()
                .ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                .triggerKey("/service/pg/leader").triggerValue("node1")
                .dcsEndpoints(URI.create("http://127.0.0.1:2379"))
                .build();                                  // throws VipConfigException listing every problem
        try (VipManager vip = VipManager.builder().config(config).build()) {
            vip.addListener(e -> log.info("{} {} -> {}: {}", e.kind(), e.from(), e.to(), e.reason()));
            vip.start();                                   // once; a second start() throws
            service.awaitShutdown();                       // your service runs; the VIP follows the leader key
        }                                                  // close(): removes the VIP if held, waits a bounded time
        // README:end
    }
}
