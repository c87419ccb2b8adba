package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.testing.etcd.EtcdExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;

/** A three-member etcd: losing one member changes nothing; losing quorum makes confirmation fail. */
class EtcdClusterTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.cluster(3);

    @Test
    void oneMemberDownIsFineAndQuorumLossFailsConfirmation() throws Exception {
        String key = "/service/cluster/leader";
        ETCD.put(key, "n1");
        try (DcsClient c = new EtcdDcsClientProvider().create(EtcdDcsClientContractTest.config(ETCD.endpoints()))) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), Duration.ofSeconds(15), "n1");
                ETCD.member(0).stop();
                ETCD.put(key, "n2");
                rec.await(i + 1, leader("n2"), Duration.ofSeconds(15), "n2 with one member down");
                assertThat(confirm(c, key)).isEqualTo(new LeaderObservation.Leader("n2",
                        ((LeaderObservation.Leader) confirm(c, key)).revision()));

                ETCD.member(1).stop(); // one of three left: no quorum
                long start = System.nanoTime();
                LeaderObservation during = confirm(c, key);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(during).as("a linearizable read without quorum").isInstanceOf(
                        LeaderObservation.Unreachable.class);
                assertThat(tookMs).as("confirm kept its 500 ms deadline (took %d ms)", tookMs).isLessThan(3_000);
                assertThat(((LeaderObservation.Unreachable) during).reason()).contains("linearizable read");
            }
        } finally {
            ETCD.start();
        }
    }

    private static LeaderObservation confirm(DcsClient c, String key) throws Exception {
        return c.confirm(key, Duration.ofMillis(500)).get(10, TimeUnit.SECONDS);
    }
}
