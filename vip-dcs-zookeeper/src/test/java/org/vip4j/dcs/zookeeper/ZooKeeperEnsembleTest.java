package org.vip4j.dcs.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;
import org.vip4j.testing.zookeeper.ZooKeeperExtension;

/** A 3-server ensemble: one server down is nothing; a lost quorum is Unreachable, and confirm keeps its deadline. */
class ZooKeeperEnsembleTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ZooKeeperExtension ZK = ZooKeeperExtension.ensemble(3);

    @Test
    void aLostQuorumIsUnreachableAndConfirmFailsWithinItsDeadline() throws Exception {
        String key = "/service/quorum/leader";
        ZK.put(key, "n1");
        try (DcsClient client = new ZooKeeperDcsClientProvider()
                .create(ZooKeeperDcsClientContractTest.config(ZK.connectString()))) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), WAIT, "Leader(n1)");
                ZK.server(1).stop();
                ZK.put(key, "n2");
                i = rec.await(i + 1, leader("n2"), WAIT, "Leader(n2) with server 1 down (2 of 3 serve)");
                assertThat(confirm(client, key, 5_000)).isEqualTo(rec.all().get(i));

                ZK.server(2).stop(); // server 3 alone: no quorum, it stops serving
                i = rec.await(i + 1, unreachable(), WAIT, "Unreachable without a quorum");
                long start = System.nanoTime();
                LeaderObservation during = confirm(client, key, 500);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(during).isInstanceOf(LeaderObservation.Unreachable.class);
                assertThat(tookMs).as("confirm with a 500 ms deadline took %d ms", tookMs).isLessThan(1_500);
                System.out.printf("no quorum: confirm answered %s in %d ms%n", during, tookMs);

                ZK.server(1).start();
                ZK.server(1).awaitServing(WAIT);
                ZK.server(3).awaitServing(WAIT);
                ZK.put(key, "n3");
                rec.await(i + 1, leader("n3"), WAIT, "Leader(n3) with the quorum back");
                assertThat(confirm(client, key, 5_000)).isInstanceOf(LeaderObservation.Leader.class);
            } finally {
                ZK.server(2).start();
            }
        }
    }

    private static LeaderObservation confirm(DcsClient client, String key, long ms) throws Exception {
        return client.confirm(key, Duration.ofMillis(ms)).get(ms + 5_000, TimeUnit.MILLISECONDS);
    }
}
