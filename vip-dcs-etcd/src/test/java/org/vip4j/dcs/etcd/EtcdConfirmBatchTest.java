package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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

    /** Confirms {@code count} keys from as many threads released together, as holders on one keepalive grid do. */
    private static List<LeaderObservation> confirmTogether(DcsClient c, int count) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<LeaderObservation>> answers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<LeaderObservation> answer = new CompletableFuture<>();
            answers.add(answer);
            String key = "/service/c" + i + "/leader";
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    c.confirm(key, TIMEOUT).whenComplete((o, e) -> {
                        if (e != null) {
                            answer.completeExceptionally(e);
                        } else {
                            answer.complete(o);
                        }
                    });
                } catch (InterruptedException e) {
                    answer.completeExceptionally(e);
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        List<LeaderObservation> out = new ArrayList<>();
        for (CompletableFuture<LeaderObservation> a : answers) {
            out.add(a.get(10, TimeUnit.SECONDS));
        }
        for (Thread t : threads) {
            t.join();
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
            // one at once, then the rest in transactions of at most 128 once it is answered (or 20 ms later)
            assertThat(requests).as("requests for 300 confirmations asked together").isLessThanOrEqualTo(12);
        }
    }
}
