package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.noLeader;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsElections;
import org.vip4j.spi.DcsWatch;
import org.vip4j.testing.ObservationRecorder;
import org.vip4j.testing.etcd.EtcdExtension;

/** The four election calls against a real etcd: what each promises in {@link DcsElections}. */
class EtcdElectionsTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration CALL = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static DcsClient client() throws Exception {
        return new EtcdDcsClientProvider().create(EtcdDcsClientContractTest.config(ETCD.endpoints()));
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theFirstClaimWinsTheSecondLosesAndARetryOfTheFirstStillWins() throws Exception {
        String key = "/vip4j/elect/first";
        try (DcsClient a = client(); DcsClient b = client()) {
            DcsElections ea = a.elections().orElseThrow();
            DcsElections eb = b.elections().orElseThrow();
            long la = get(ea.grant(Duration.ofSeconds(5), CALL));
            long lb = get(eb.grant(Duration.ofSeconds(5), CALL));
            assertThat(get(ea.claim(key, "n1", la, CALL))).as("claim of an absent key").isTrue();
            assertThat(get(eb.claim(key, "n2", lb, CALL))).as("claim of a key held by another lease").isFalse();
            assertThat(get(ea.claim(key, "n1", la, CALL))).as("a retried claim whose answer was lost").isTrue();
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = b.watch(key, rec)) {
                rec.await(0, leader("n1"), WAIT, "n1 named");
                get(ea.revoke(la, CALL));
                rec.await(0, noLeader(), WAIT, "the key deleted by the revoke");
                assertThat(get(eb.claim(key, "n2", lb, CALL))).as("claim after the revoke").isTrue();
                rec.await(0, leader("n2"), WAIT, "n2 named");
            }
            get(eb.revoke(lb, CALL));
        }
    }

    @Test
    void aLeaseNotRenewedEndsOnTheServerAndTakesTheKeyWithIt() throws Exception {
        String key = "/vip4j/elect/expire";
        try (DcsClient a = client()) {
            DcsElections e = a.elections().orElseThrow();
            long lease = get(e.grant(Duration.ofSeconds(2), CALL));
            assertThat(get(e.claim(key, "n1", lease, CALL))).isTrue();
            assertThat(get(e.renew(lease, CALL))).as("a live lease renews").isTrue();
            ObservationRecorder rec = new ObservationRecorder();
            long renewed = System.nanoTime();
            try (DcsWatch w = a.watch(key, rec)) {
                rec.await(0, leader("n1"), WAIT, "n1 named");
                int at = rec.await(0, noLeader(), WAIT, "the key gone with its lease");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - renewed);
                System.out.println("lease of 2 s renewed, then left: key deleted after " + ms + " ms");
                assertThat(ms).as("never before the TTL counted from the renewal").isGreaterThanOrEqualTo(2_000);
                assertThat(at).isPositive();
            }
            assertThat(get(e.renew(lease, CALL))).as("renewing an expired lease").isFalse();
            get(e.revoke(lease, CALL)); // revoking a lease already gone is not an error
        }
    }

    @Test
    void aClaimUnderALeaseThatIsGoneFailsAndWritesNothing() throws Exception {
        String key = "/vip4j/elect/gone";
        try (DcsClient a = client()) {
            DcsElections e = a.elections().orElseThrow();
            long lease = get(e.grant(Duration.ofSeconds(5), CALL));
            get(e.revoke(lease, CALL));
            java.util.concurrent.CompletableFuture<Boolean> claim = e.claim(key, "n1", lease, CALL);
            assertThat(claim).failsWithin(Duration.ofSeconds(10));
            assertThat(ETCD.client().getKVClient().get(EtcdExtension.bytes(key)).get(10, TimeUnit.SECONDS).getKvs())
                    .isEmpty();
        }
    }
}
