package org.vip4j.dcs.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.noLeader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;
import org.vip4j.testing.zookeeper.ZooKeeperExtension;

/**
 * What Patroni's zookeeper mode does to the leader znode, against a real ZooKeeper: the leader lock is an ephemeral
 * znode that vanishes with its owner's session, changes come faster than one-shot watches are re-armed, and this
 * client's own session can expire.
 */
class ZooKeeperWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final ZooKeeperExtension ZK = ZooKeeperExtension.single();

    private static DcsClient client(String chroot) throws Exception {
        return new ZooKeeperDcsClientProvider()
                .create(ZooKeeperDcsClientContractTest.config(ZK.connectString() + chroot));
    }

    @Test
    void theLeadersEphemeralZnodeVanishingWithItsSessionIsNoLeader() throws Exception {
        String key = "/service/eph/leader";
        ZooKeeper patroni = ZK.ephemeral(key, "n1");
        try (DcsClient client = client("")) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), WAIT, "Leader(n1) from the ephemeral znode");
                // Patroni crashed: its session expires on the server and the znode goes with it
                ZK.expire(patroni.getSessionId(), patroni.getSessionPasswd());
                rec.await(i + 1, noLeader(), WAIT, "NoLeader once the owner's session expired");
                assertThat(rec.all()).noneMatch(unreachable());
            }
        } finally {
            patroni.close();
        }
    }

    @Test
    void fastChangesArriveInOrderAndEndOnTheLastState() throws Exception {
        String key = "/service/fast/leader";
        ZK.put(key, "n0");
        try (DcsClient client = client("")) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key, rec)) {
                rec.await(0, leader("n0"), WAIT, "Leader(n0)");
                Map<Long, String> written = new HashMap<>();
                for (int i = 1; i <= 300; i++) {
                    if (i % 7 == 0) {
                        ZK.delete(key);
                    } else {
                        written.put(ZK.put(key, "n" + i), "n" + i);
                    }
                }
                rec.await(1, leader("n300"), WAIT, "Leader(n300), the last write");
                long lastZxid = 0;
                List<String> wrong = new ArrayList<>();
                for (LeaderObservation o : rec.all()) {
                    if (o instanceof LeaderObservation.Leader l && written.containsKey(l.revision())) {
                        if (!written.get(l.revision()).equals(l.value())) {
                            wrong.add(l + " but " + written.get(l.revision()) + " was written at that zxid");
                        }
                        if (l.revision() <= lastZxid) {
                            wrong.add(l + " after zxid " + lastZxid);
                        }
                        lastZxid = l.revision();
                    }
                }
                assertThat(wrong).as("observations out of order or not what was written").isEmpty();
                assertThat(rec.all()).noneMatch(unreachable());
                System.out.printf("300 changes (42 deletes) seen as %d observations%n", rec.size());
            }
        }
    }

    @Test
    void thisClientsSessionExpiringReadsAgainAndFindsWhatChanged() throws Exception {
        String key = "/service/own/leader";
        ZK.put(key, "n1");
        try (DcsClient client = client("")) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), WAIT, "Leader(n1)");
                ZooKeeper own = ((ZooKeeperDcsClient) client).zooKeeperForTests();
                ZK.expire(own.getSessionId(), own.getSessionPasswd());
                ZK.put(key, "n2");
                // the expired session's watch is gone: only the re-read after the new session tells of n2
                rec.await(i + 1, leader("n2"), WAIT, "Leader(n2) in the new session");
                ZK.put(key, "n3");
                rec.await(i + 1, leader("n3"), WAIT, "Leader(n3): the new session's watch is armed");
            }
        }
    }

    /**
     * A server that stops answering without closing anything: ZooKeeper's client notices by its pings, after two
     * thirds of the session timeout (1.5 keepalive-periods, at least 1 s: 1 s here, so about 670 ms).
     */
    @Test
    void aFrozenServerIsUnreachableWithinAboutAKeepalivePeriodAndTheWatchRecovers() throws Exception {
        String key = "/service/frozen/leader";
        ZK.put(key, "n1");
        try (DcsClient client = client("")) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key, rec)) {
                int i = rec.await(0, leader("n1"), WAIT, "Leader(n1)");
                long start = System.nanoTime();
                ZK.server(1).freeze();
                try {
                    i = rec.await(i + 1, unreachable(), WAIT, "Unreachable while the server is frozen");
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    System.out.printf("frozen server: Unreachable after %d ms (keepalive-period 500 ms)%n", ms);
                    // the figure is printed; the bound is only that it is noticed at all without a reset
                } finally {
                    ZK.server(1).thaw();
                }
                ZK.put(key, "n2");
                rec.await(i + 1, leader("n2"), WAIT, "Leader(n2) after the thaw");
            }
        }
    }

    @Test
    void aChrootIsPartOfTheConnectString() throws Exception {
        ZK.put("/chrooted/service/pg/leader", "n7");
        try (DcsClient client = client("/chrooted")) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch("/service/pg/leader", rec)) {
                rec.await(0, leader("n7"), WAIT, "Leader(n7) under the chroot");
            }
            LeaderObservation c = client.confirm("/service/pg/leader", Duration.ofSeconds(5))
                    .get(10, TimeUnit.SECONDS);
            assertThat(c).isInstanceOf(LeaderObservation.Leader.class);
            Stat stat = new Stat();
            assertThat(ZK.read("/chrooted/service/pg/leader", stat)).isEqualTo("n7");
            assertThat(c.revision()).isEqualTo(stat.getMzxid());
        }
    }

    @Test
    void twoWatchersOfOneZnodeShareOneWatchAndClosingOneKeepsTheOther() throws Exception {
        String key = "/service/shared/leader";
        ZK.put(key, "n1");
        try (DcsClient client = client("")) {
            ObservationRecorder a = new ObservationRecorder();
            ObservationRecorder b = new ObservationRecorder();
            DcsWatch wa = client.watch(key, a);
            try (DcsWatch wb = client.watch(key, b)) {
                a.await(0, leader("n1"), WAIT, "a: Leader(n1)");
                b.await(0, leader("n1"), WAIT, "b: Leader(n1)");
                wa.close();
                ZK.put(key, "n2");
                b.await(1, leader("n2"), WAIT, "b: Leader(n2) after a closed");
                int seen = a.size();
                ZK.put(key, "n3");
                b.await(2, leader("n3"), WAIT, "b: Leader(n3)");
                assertThat(a.size()).as("a closed: nothing more").isEqualTo(seen);
            }
        }
    }
}
