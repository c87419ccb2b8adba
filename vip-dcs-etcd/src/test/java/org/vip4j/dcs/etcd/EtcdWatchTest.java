package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.noLeader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.testing.etcd.EtcdExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;

/** What the etcd watch adds to the common contract: old keys, exact order, sharing, restarts, compaction. */
class EtcdWatchTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static DcsClient client() throws Exception {
        return new EtcdDcsClientProvider().create(EtcdDcsClientContractTest.config(ETCD.endpoints()));
    }

    @Test
    void aKeyWrittenLongAgoIsSeenAtOnce() throws Exception {
        // Patroni's etcd3 mode writes the leader key once and then only renews its lease
        long written = ETCD.put("/service/old/leader", "n3");
        for (int i = 0; i < 200; i++) {
            ETCD.put("/service/other/key", "v" + i);
        }
        try (DcsClient c = client()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch("/service/old/leader", rec)) {
                rec.await(0, leader("n3"), WAIT, "the old value");
                assertThat(rec.all().get(0).revision()).isEqualTo(written);
            }
        }
    }

    @Test
    void rapidPutsAndDeletesArriveExactlyInOrder() throws Exception {
        String key = "/service/rapid/leader";
        ETCD.put(key, "start");
        try (DcsClient c = client()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, rec)) {
                rec.await(0, leader("start"), WAIT, "the start value");
                List<String> expected = new ArrayList<>(List.of("Leader(start)"));
                for (int i = 0; i < 50; i++) {
                    if (i % 5 == 4) {
                        ETCD.delete(key);
                        expected.add("NoLeader");
                    } else {
                        ETCD.put(key, "n" + i);
                        expected.add("Leader(n" + i + ")");
                    }
                }
                ETCD.put(key, "end");
                expected.add("Leader(end)");
                rec.await(0, leader("end"), WAIT, "the last value");
                List<String> seen = rec.all().stream().map(ObservationRecorder::describe).toList();
                assertThat(seen).as("every change once, in order, none repeated").isEqualTo(expected);
                List<Long> revisions = rec.all().stream().map(LeaderObservation::revision).toList();
                assertThat(revisions).isSorted().doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void managersSharingAClientShareOneWatchPerKey() throws Exception {
        String key = "/service/shared/leader";
        ETCD.put(key, "n1");
        try (DcsClient c = client()) {
            ObservationRecorder a = new ObservationRecorder();
            ObservationRecorder b = new ObservationRecorder();
            DcsWatch wa = c.watch(key, a);
            DcsWatch wb = c.watch(key, b);
            a.await(0, leader("n1"), WAIT, "n1 for the first sink");
            b.await(0, leader("n1"), WAIT, "n1 for the second sink");
            wa.close();
            ETCD.put(key, "n2");
            b.await(0, leader("n2"), WAIT, "n2 for the remaining sink");
            assertThat(a.all()).noneMatch(leader("n2"));
            wb.close();
        }
    }

    @Test
    void aRestartedEtcdIsReportedAndFollowedAgain() throws Exception {
        String key = "/service/restart/leader";
        ETCD.put(key, "n1");
        try (DcsClient c = client()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), WAIT, "n1");
                ETCD.stop();
                long stopped = System.nanoTime();
                i = rec.await(i + 1, unreachable(), WAIT, "Unreachable");
                long reportedMs = (System.nanoTime() - stopped) / 1_000_000;
                ETCD.start();
                long started = System.nanoTime();
                i = rec.await(i + 1, leader("n1"), WAIT, "n1 again after the restart");
                long recoveredMs = (System.nanoTime() - started) / 1_000_000;
                ETCD.delete(key);
                rec.await(i + 1, noLeader(), WAIT, "the delete after the restart");
                System.out.printf("etcd restart: Unreachable after %d ms, followed again %d ms after healthy%n",
                        reportedMs, recoveredMs);
            }
        }
    }

    /** What etcd received while {@code body} ran with {@code key} watched: reads, and messages on watch streams. */
    private record Received(long reads, long streamMessages, List<LeaderObservation> observations) {
    }

    @FunctionalInterface
    private interface WhileWatched {
        void run(DcsClient c) throws Exception;
    }

    private static Received whileWatched(String key, WhileWatched body) throws Exception {
        ETCD.put(key, "n1");
        try (DcsClient c = client()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, rec)) {
                rec.await(0, leader("n1"), WAIT, "n1");
                long ranges = ETCD.received("Range");
                long watchMessages = ETCD.received("Watch");
                body.run(c);
                return new Received(ETCD.received("Range") - ranges, ETCD.received("Watch") - watchMessages,
                        rec.all());
            }
        }
    }

    @Test
    void aHealthyWatchIsNotPolled() throws Exception {
        // nothing to wait for but time itself: 8 periods of the client (500 ms) with the key unchanged
        Received r = whileWatched("/service/quiet/leader", c -> Thread.sleep(4_000));
        System.out.printf("4 s idle: %d reads, %d watch-stream messages%n", r.reads(), r.streamMessages());
        assertThat(r.reads()).as("reads while the watch was healthy").isZero();
        assertThat(r.streamMessages()).as("progress requests on the silent stream").isBetween(6L, 10L);
        assertThat(r.observations()).as("observations while idle").hasSize(1);
    }

    @Test
    void aHolderConfirmingTheKeyNeedsNoProgressRequests() throws Exception {
        String key = "/service/held/leader";
        Received r = whileWatched(key, c -> {
            // a holder's keepalive: one linearizable read per period (500 ms), 8 of them
            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                assertThat(c.confirm(key, Duration.ofMillis(500)).get()).matches(leader("n1"));
                Thread.sleep(Math.max(0, 500 - (System.nanoTime() - start) / 1_000_000));
            }
        });
        System.out.printf("8 confirmations in 4 s: %d reads, %d watch-stream messages%n", r.reads(),
                r.streamMessages());
        assertThat(r.reads()).as("reads: the confirmations only").isEqualTo(8);
        assertThat(r.streamMessages()).as("progress requests beside the confirmations").isLessThanOrEqualTo(1);
    }

    @Test
    void aFrozenEtcdIsReportedUnreachableAndFollowedAfterItThaws() throws Exception {
        String key = "/service/frozen/leader";
        ETCD.put(key, "n1");
        try (DcsClient c = client()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), WAIT, "n1");
                long frozen = System.nanoTime();
                ETCD.member(0).freeze();
                try {
                    i = rec.await(i + 1, unreachable(), WAIT, "Unreachable");
                } finally {
                    ETCD.member(0).thaw();
                }
                long reportedMs = (System.nanoTime() - frozen) / 1_000_000;
                long thawed = System.nanoTime();
                i = rec.await(i + 1, leader("n1"), WAIT, "n1 again after the thaw");
                long recoveredMs = (System.nanoTime() - thawed) / 1_000_000;
                ETCD.put(key, "n2");
                rec.await(i + 1, leader("n2"), WAIT, "the put after the thaw");
                System.out.printf("etcd frozen (SIGSTOP): Unreachable after %d ms, followed again %d ms after "
                        + "SIGCONT%n", reportedMs, recoveredMs);
            }
        }
    }

    @Test
    void compactedHistoryDoesNotStopTheWatch() throws Exception {
        String key = "/service/compact/leader";
        ETCD.put(key, "n1");
        try (DcsClient c = client()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), WAIT, "n1");
                long rev = 0;
                for (int k = 0; k < 20; k++) {
                    rev = ETCD.put("/service/compact/noise", "x" + k);
                }
                ETCD.compact(rev);
                ETCD.put(key, "n2");
                rec.await(i + 1, leader("n2"), WAIT, "n2 after compaction");
            }
            // a new watch after the compaction starts from a read, never from a compacted revision
            ObservationRecorder late = new ObservationRecorder();
            try (DcsWatch w = c.watch(key, late)) {
                late.await(0, leader("n2"), WAIT, "n2 for a watch started after compaction");
            }
        }
    }
}
