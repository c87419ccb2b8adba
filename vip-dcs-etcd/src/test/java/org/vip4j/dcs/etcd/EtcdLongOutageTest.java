package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.VipConfig;
import org.vip4j.testing.etcd.EtcdExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.testing.ObservationRecorder;

/**
 * A 150-second etcd outage, long enough for gRPC's reconnect backoff to grow past a minute. The client must follow
 * the key again within 2 s of etcd being back (issue 4), which it does by rebuilding its channel. Takes ~2.5 min.
 */
class EtcdLongOutageTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration OUTAGE = Duration.ofSeconds(150);

    @Test
    void followsTheKeyWithin2sOfEtcdReturningAfterA150sOutage() throws Exception {
        String key = "/service/long/leader";
        ETCD.put(key, "n1");
        VipConfig cfg = VipConfig.builder().ip(InetAddress.getByName("198.51.100.100")).netmask(24)
                .interfaceName("eth0").triggerKey(key).triggerValue("n1").set("dcs-endpoints", ETCD.endpoints())
                .build(); // defaults: interval 1 s, keepalive-period 1 s, as in production
        try (DcsClient c = new EtcdDcsClientProvider().create(cfg)) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), Duration.ofSeconds(15), "n1");
                ETCD.stop();
                i = rec.await(i + 1, unreachable(), Duration.ofSeconds(5), "Unreachable");
                // the outage itself is what this test is about: nothing to wait for but time
                TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis());
                ETCD.start();
                long back = System.nanoTime();
                ETCD.put(key, "n2");
                rec.await(i + 1, leader("n2"), Duration.ofSeconds(30), "n2 after the outage");
                long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
                System.out.printf("etcd back after a %ds outage: key followed again after %d ms%n",
                        OUTAGE.toSeconds(), recoveredMs);
                assertThat(recoveredMs).as("recovery after a %ds outage took %d ms", OUTAGE.toSeconds(), recoveredMs)
                        .isLessThanOrEqualTo(2_000);
                assertThat(c.confirm(key, Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS))
                        .isInstanceOf(org.vip4j.spi.LeaderObservation.Leader.class);
            }
        }
    }
}
