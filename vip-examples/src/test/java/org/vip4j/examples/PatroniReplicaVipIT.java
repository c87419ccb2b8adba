package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read-only VIP of the README's reference deployment against Patroni 3.0.2 and PostgreSQL 15 in the lab: each
 * node's launcher runs the primary VIP (Patroni's leader key) and a replica VIP elected among the nodes whose Patroni
 * answers 200 on {@code /replica} (every 500 ms). Through switchovers to the node that holds the replica VIP (so it
 * is promoted under it), a crashed primary, and the replica under it stopped: psql through the replica VIP always lands on a
 * replica ({@code pg_is_in_recovery() = true}), the replica VIP leaves a promoted node, and the address monitors
 * never see it on two nodes beyond the make-before-break moment; with both replicas down the primary holds it as a
 * fallback (its {@code /read-only} answers 200), and gives it back to the first replica that returns. About four
 * minutes.
 */
class PatroniReplicaVipIT {

    private static final String REPLICA_VIP = "198.51.100.101";
    private static final String ELECTION_KEY = "/vip4j/lab/replica-vip";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Two holders at once only for the handover itself (as for the primary VIP in PatroniLabIT). */
    private static final long FIFTY_MS = 50_000;

    @Test
    void theReplicaVipIsAlwaysOnOneStreamingReplica() throws Exception {
        try (PatroniLab p = PatroniLab.up(false)) {
            p.startVip4jWithReplicaVip(REPLICA_VIP, ELECTION_KEY);
            Lab lab = p.lab();
            int first = awaitReplicaHolder(p);
            assertThat(p.psqlThrough(REPLICA_VIP)).isEqualTo("n" + first + " replica");
            p.record();

            // promote the node under the replica VIP, three times: the VIP leaves it for a replica
            for (int i = 0; i < 3; i++) {
                int holder = awaitReplicaHolder(p);
                p.switchover("n" + holder);
                int next = awaitReplicaHolder(p, holder);
                assertThat(p.psqlThrough(REPLICA_VIP)).isEqualTo("n" + next + " replica");
                assertThat(p.psqlThroughVip()).isEqualTo(p.leader() + " primary");
            }

            // a crashed primary: a replica is promoted (the replica VIP moves if it was there), the old one returns
            p.crashLeader();
            int afterCrash = awaitReplicaHolder(p);
            assertThat(p.psqlThrough(REPLICA_VIP)).isEqualTo("n" + afterCrash + " replica");

            // the replica under the VIP goes down (Patroni and PostgreSQL stopped): its check fails, the VIP moves
            int crashed = afterCrash;
            long t0 = System.nanoTime();
            p.stop(crashed);
            int moved = awaitReplicaHolder(p, crashed);
            long movedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("replica VIP: n%d's Patroni and PostgreSQL stopped, n%d held it %d ms later%n", crashed,
                    moved, movedMs);
            assertThat(p.psqlThrough(REPLICA_VIP)).isEqualTo("n" + moved + " replica");

            // both replicas down: the primary (its /read-only answers 200: a fallback) takes the replica VIP; a
            // replica back: after its hold-down it asks, the primary gives way
            int primary = Integer.parseInt(p.leader().substring(1));
            long t1 = System.nanoTime();
            p.stop(moved);
            Lab.await(() -> holders(lab).equals(List.of(primary)), WAIT,
                    () -> "the replica VIP is not on the primary n" + primary + " with both replicas down");
            long fellBackMs = (System.nanoTime() - t1) / 1_000_000;
            assertThat(p.psqlThrough(REPLICA_VIP)).isEqualTo("n" + primary + " primary");
            assertThat(lab.holds(primary, Lab.VIP)).as("primary VIP stays").isTrue();
            long t2 = System.nanoTime();
            p.restart(crashed, moved);
            long restartedMs = (System.nanoTime() - t2) / 1_000_000;
            int back = awaitReplicaHolder(p);
            long backMs = (System.nanoTime() - t2) / 1_000_000;
            System.out.printf("replica VIP: the last replica stopped, on the primary n%d %d ms later (fallback-delay "
                    + "1 s); replicas started again and streaming after %d ms, the VIP on replica n%d %d ms after the "
                    + "start (election-hold-down 2 s)%n", primary, fellBackMs, restartedMs, back, backMs);
            assertThat(p.psqlThrough(REPLICA_VIP)).isEqualTo("n" + back + " replica");
            p.finish("replica VIP");

            SwitchTimeline timeline = new SwitchTimeline(List.of(lab.logs().resolve("monitor-n1.log"),
                    lab.logs().resolve("monitor-n2.log"), lab.logs().resolve("monitor-n3.log")), REPLICA_VIP, first,
                    List.of());
            long longest = timeline.overlaps.isEmpty() ? 0 : timeline.overlaps.get(timeline.overlaps.size() - 1);
            System.out.printf("replica VIP: %d periods with two holders, longest %.1f ms; %d periods with none%n",
                    timeline.overlaps.size(), longest / 1000.0, timeline.gaps.size());
            assertThat(longest).as("longest period with two replica VIP holders (µs)").isLessThanOrEqualTo(FIFTY_MS);
        }
    }

    private static List<Integer> holders(Lab lab) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            if (lab.holds(n, REPLICA_VIP)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Waits until exactly one node holds the replica VIP and it is not the primary. */
    private static int awaitReplicaHolder(PatroniLab p) throws Exception {
        return awaitReplicaHolder(p, 0);
    }

    /** Waits until exactly one node holds the replica VIP, neither the primary nor node {@code not}. */
    private static int awaitReplicaHolder(PatroniLab p, int not) throws Exception {
        Lab.await(() -> {
            List<Integer> h = holders(p.lab());
            return h.size() == 1 && !("n" + h.get(0)).equals(p.leader()) && h.get(0) != not;
        }, WAIT, () -> {
            try {
                return "replica VIP holders " + holders(p.lab()) + ", primary " + p.leader();
            } catch (Exception e) {
                return e.toString();
            }
        });
        return holders(p.lab()).get(0);
    }
}
