package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.dcs.etcd.testing.EtcdExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.LeaderObservation;

/** Many holders in one process confirming at once, against a real etcd: a few requests, every answer right. */
class EtcdConfirmBatchTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static DcsClient client() throws Exception {
        return new EtcdDcsClientProvider().create(EtcdDcsClientContractTest.config(ETCD.endpoints()));
    }

    /**
     * Asks for the confirmation of {@code count} keys at once, as holders on one keepalive grid do. etcd is frozen
     * meanwhile (SIGSTOP, a few milliseconds), so the first read is still on its way when the last is asked: what
     * goes out together does not depend on how fast this machine is.
     */
    private static List<LeaderObservation> confirmTogether(DcsClient c, int count) throws Exception {
        List<CompletableFuture<LeaderObservation>> answers = new ArrayList<>();
        ETCD.member(0).freeze();
        try {
            for (int i = 0; i < count; i++) {
                answers.add(c.confirm("/service/c" + i + "/leader", TIMEOUT));
            }
        } finally {
            ETCD.member(0).thaw();
        }
        List<LeaderObservation> out = new ArrayList<>();
        for (CompletableFuture<LeaderObservation> a : answers) {
            out.add(a.get(10, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void holdersConfirmingTogetherCostAFewRequestsAndEachGetsItsOwnKey() throws Exception {
        // 300: more than one transaction may hold (etcd's --max-txn-ops is 128), a key absent every third
        long lastPut = 0;
        for (int i = 0; i < 300; i++) {
            if (i % 3 != 2) {
                lastPut = ETCD.put("/service/c" + i + "/leader", "n" + i);
            }
        }
        try (DcsClient c = client()) {
            confirmTogether(c, 1); // the channel is up before counting
            long ranges = ETCD.received("Range");
            long txns = ETCD.received("Txn");
            List<LeaderObservation> answers = confirmTogether(c, 300);
            long requests = ETCD.received("Range") - ranges + ETCD.received("Txn") - txns;
            System.out.printf("300 confirmations asked together: %d requests to etcd%n", requests);
            for (int i = 0; i < 300; i++) {
                LeaderObservation o = answers.get(i);
                if (i % 3 == 2) {
                    assertThat(o).as("key " + i).isInstanceOf(LeaderObservation.NoLeader.class);
                    assertThat(o.revision()).as("an absence at the read's revision").isGreaterThanOrEqualTo(lastPut);
                } else {
                    assertThat(o).as("key " + i).isEqualTo(new LeaderObservation.Leader("n" + i, o.revision()));
                    assertThat(o.revision()).isPositive();
                }
            }
            // the first at once, the other 299 in transactions of at most 128 once it is answered (or 20 ms later):
            // 1 + 3, and one more if the asking straddled the 20 ms
            assertThat(requests).as("requests for 300 confirmations asked together").isBetween(4L, 5L);
        }
    }
}
