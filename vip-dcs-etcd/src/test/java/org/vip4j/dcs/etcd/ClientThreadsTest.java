package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;
import org.vip4j.testing.etcd.EtcdExtension;

/** gRPC's callbacks and jetcd's tasks run on the client's own threads, however many calls are in flight. */
class ClientThreadsTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    @Test
    void fiftyConfirmationsAtOnceStartNoThreadOfGrpcOrJetcdAndAtMostFourOfTheClient() throws Exception {
        for (int i = 0; i < 50; i++) {
            ETCD.put("/service/c" + i + "/leader", "n1");
        }
        Set<String> beforeTheClient = threadNames();
        try (DcsClient c = new EtcdDcsClientProvider().create(EtcdDcsClientContractTest.config(ETCD.endpoints()))) {
            List<DcsWatch> watches = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ObservationRecorder rec = new ObservationRecorder();
                watches.add(c.watch("/service/c" + i + "/leader", rec));
                rec.await(0, ObservationRecorder.leader("n1"), Duration.ofSeconds(15), "key " + i);
            }
            Set<String> before = threadNames();
            for (int round = 0; round < 10; round++) {
                List<CompletableFuture<LeaderObservation>> confirms = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    confirms.add(c.confirm("/service/c" + i + "/leader", Duration.ofSeconds(5)));
                }
                for (CompletableFuture<LeaderObservation> f : confirms) {
                    LeaderObservation o = f.get(10, TimeUnit.SECONDS);
                    assertThat(o).isInstanceOf(LeaderObservation.Leader.class);
                    assertThat(((LeaderObservation.Leader) o).value()).isEqualTo("n1");
                }
            }
            Set<String> added = threadNames();
            added.removeAll(before);
            List<String> grpc = threadNames().stream().filter(n -> n.startsWith("grpc-default-executor")).toList();
            List<String> ours = threadNames().stream()
                    .filter(n -> n.startsWith("vip4j-etcd-grpc-") && !beforeTheClient.contains(n)).toList();
            List<String> jetcd = threadNames().stream()
                    .filter(n -> n.startsWith("vip4j-etcd-jetcd-") && !beforeTheClient.contains(n)).toList();
            System.out.println("after 500 confirmations: threads added " + added + "; the client's callback threads "
                    + ours + " and jetcd threads " + jetcd + "; gRPC's own " + grpc);
            assertThat(added).as("threads started by 500 confirmations, 50 at a time")
                    .noneMatch(n -> n.startsWith("grpc-default-executor") || n.startsWith("jetcd-pool"));
            assertThat(ours).as("the client's callback threads").isNotEmpty().hasSizeLessThanOrEqualTo(2);
            assertThat(jetcd).as("the client's threads for jetcd's tasks").isNotEmpty().hasSizeLessThanOrEqualTo(2);
            for (DcsWatch w : watches) {
                w.close();
            }
        }
    }

    private static Set<String> threadNames() {
        Set<String> names = new HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        return names;
    }
}
