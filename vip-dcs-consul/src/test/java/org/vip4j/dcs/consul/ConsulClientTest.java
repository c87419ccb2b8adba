package org.vip4j.dcs.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vip4j.dcs.consul.testing.ConsulDouble;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;

/** Consul-specific behaviour beyond the common contract, against the Consul double. */
@SuppressWarnings("try") // watches stay open for the body of try-with-resources, unreferenced
class ConsulClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String KEY = ConsulTestConfigs.KEY;

    private ConsulDouble consul;

    @BeforeEach
    void startConsul() throws Exception {
        consul = ConsulDouble.start();
    }

    @AfterEach
    void stopConsul() {
        consul.close();
    }

    private DcsClient client() {
        return new ConsulDcsProvider().create(ConsulTestConfigs.builder(consul.uri()).build());
    }

    @Test
    void fiftyWatchedKeysShareTwoThreads() throws Exception {
        List<ObservationRecorder> recs = new java.util.ArrayList<>();
        List<DcsWatch> watches = new java.util.ArrayList<>();
        try (DcsClient client = client()) {
            try {
                for (int i = 0; i < 50; i++) {
                    consul.put("service/k" + i + "/leader", "n1");
                    ObservationRecorder rec = new ObservationRecorder();
                    recs.add(rec);
                    watches.add(client.watch("service/k" + i + "/leader", rec));
                }
                for (ObservationRecorder rec : recs) {
                    rec.await(0, leader("n1"), WAIT, "n1");
                }
                assertThat(consul.awaitBlocked(50, WAIT)).as("50 blocking queries held at once").isTrue();
                // every query comes back after its 300 ms wait and is sent again from its callback: wait for two
                // rounds of that
                int before = consul.requests().size();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (consul.requests().size() < before + 100) {
                    assertThat(System.nanoTime()).as("100 more blocking queries within " + WAIT).isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(10);
                }
                List<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(n -> n.startsWith("vip4j-consul")).toList();
                System.out.println("50 Consul watches: threads " + threads);
                assertThat(threads).as("the client's threads for 50 watched keys").hasSizeLessThanOrEqualTo(2);
                consul.put("service/k49/leader", "n2");
                recs.get(49).await(1, leader("n2"), WAIT, "the change on the last key");
            } finally {
                watches.forEach(DcsWatch::close);
            }
        }
    }

    @Test
    void idleWatchHoldsABlockingQueryWithTheIndexAndTheIntervalAsWait() throws Exception {
        consul.put(KEY, "n1");
        long index = consul.index();
        try (DcsClient client = client(); DcsWatch w = client.watch(KEY, new ObservationRecorder())) {
            assertThat(consul.awaitBlocked(1, WAIT)).as("a blocking query held by the double").isTrue();
            List<ConsulDouble.Request> reqs = consul.requests();
            assertThat(reqs.get(0).query()).as("first read has no index").doesNotContain("index=");
            assertThat(reqs.get(1).path()).isEqualTo("/v1/kv/" + KEY);
            assertThat(reqs.get(1).query()).isEqualTo("index=" + index + "&wait=300ms");
        }
    }

    @Test
    void confirmIsAConsistentRead() throws Exception {
        consul.put(KEY, "n1");
        try (DcsClient client = client()) {
            LeaderObservation obs = client.confirm(KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS);
            assertThat(obs).isEqualTo(new LeaderObservation.Leader("n1", consul.index()));
            assertThat(consul.requests()).last().extracting(ConsulDouble.Request::query).isEqualTo("consistent");
        }
    }

    @Test
    void keyWithAndWithoutLeadingSlashReadTheSameConsulKey() throws Exception {
        consul.put(KEY, "n1");
        try (DcsClient client = client()) {
            LeaderObservation plain = client.confirm(KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS);
            LeaderObservation slashed = client.confirm("/" + KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS);
            assertThat(plain).isInstanceOf(LeaderObservation.Leader.class).isEqualTo(slashed);
            assertThat(consul.requests()).extracting(ConsulDouble.Request::path)
                    .containsOnly("/v1/kv/" + KEY);
        }
    }

    @Test
    void indexGoingBackwardsResetsToZeroAndReReads() throws Exception {
        for (int i = 0; i < 8; i++) {
            consul.put("other/" + i, "x");
        }
        consul.put(KEY, "n1");
        ObservationRecorder rec = new ObservationRecorder();
        try (DcsClient client = client(); DcsWatch w = client.watch(KEY, rec)) {
            int i = rec.await(0, leader("n1"), WAIT, "Leader(n1)");
            assertThat(consul.awaitBlocked(1, WAIT)).isTrue();
            int before = consul.requests().size();
            consul.restoreOlderSnapshot(1);
            consul.put(KEY, "n2");
            rec.await(i + 1, leader("n2"), WAIT, "Leader(n2) after the restore");
            assertThat(consul.awaitRequests(before + 3, WAIT)).isTrue();
            List<ConsulDouble.Request> after = consul.requests().subList(before, consul.requests().size());
            assertThat(after).extracting(ConsulDouble.Request::query)
                    .as("a plain re-read (no index) after the index went backwards")
                    .contains("", "index=2&wait=300ms");
            assertThat(rec.all()).noneMatch(unreachable());
        }
    }

    @Test
    void zeroIndexFromABuggyServerDoesNotMakeABusyLoop() throws Exception {
        consul.put(KEY, "n1");
        consul.injectZeroIndex(true);
        ObservationRecorder rec = new ObservationRecorder();
        try (DcsClient client = client(); DcsWatch w = client.watch(KEY, rec)) {
            rec.await(0, leader("n1"), WAIT, "Leader(n1)");
            long start = System.nanoTime();
            int seen = consul.requests().size();
            assertThat(consul.awaitRequests(seen + 10, WAIT)).isTrue();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // the watch spaces requests that bring no new index by 50 ms; a busy loop would do 10 in a few ms
            assertThat(ms).as("10 requests took %d ms", ms).isGreaterThan(200);
            assertThat(consul.requests()).extracting(ConsulDouble.Request::query).contains("index=1&wait=300ms");
        }
    }

    @Test
    void aclTokenTravelsInTheHeaderOnly() throws Exception {
        consul.requireToken("s3cret-token");
        consul.put(KEY, "n1");
        ObservationRecorder rec = new ObservationRecorder();
        try (DcsClient client = new ConsulDcsProvider().create(ConsulTestConfigs.builder(consul.uri())
                .consulToken("s3cret-token").build()); DcsWatch w = client.watch(KEY, rec)) {
            rec.await(0, leader("n1"), WAIT, "Leader(n1) with the right token");
            assertThat(client.confirm(KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(LeaderObservation.Leader.class);
            assertThat(consul.requests()).allMatch(ConsulDouble.Request::tokenInHeader)
                    .noneMatch(ConsulDouble.Request::tokenInQuery);
        }
    }

    @Test
    void wrongOrMissingTokenIsUnreachableWith403AndNeverShowsTheToken() throws Exception {
        consul.requireToken("right-token");
        consul.put(KEY, "n1");
        for (String token : new String[] {"wrong-token", null}) {
            var b = ConsulTestConfigs.builder(consul.uri());
            if (token != null) {
                b.consulToken(token);
            }
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsClient client = new ConsulDcsProvider().create(b.build()); DcsWatch w = client.watch(KEY, rec)) {
                int i = rec.await(0, unreachable(), WAIT, "Unreachable with token " + token);
                String reason = ((LeaderObservation.Unreachable) rec.all().get(i)).reason();
                assertThat(reason).contains("403").contains("consul-token");
                LeaderObservation c = client.confirm(KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS);
                assertThat(c).isInstanceOf(LeaderObservation.Unreachable.class);
                assertThat(reason + c).doesNotContain("wrong-token").doesNotContain("right-token");
                assertThat(rec.all()).noneMatch(o -> o instanceof LeaderObservation.Leader);
            }
        }
    }

    @Test
    void noClusterLeaderIsUnreachableUntilALeaderIsElected() throws Exception {
        consul.put(KEY, "n1");
        ObservationRecorder rec = new ObservationRecorder();
        try (DcsClient client = client(); DcsWatch w = client.watch(KEY, rec)) {
            int i = rec.await(0, leader("n1"), WAIT, "Leader(n1)");
            consul.loseLeader();
            i = rec.await(i + 1, unreachable(), WAIT, "Unreachable without a cluster leader");
            assertThat(((LeaderObservation.Unreachable) rec.all().get(i)).reason()).contains("no cluster leader");
            assertThat(client.confirm(KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(LeaderObservation.Unreachable.class);
            consul.electLeader();
            rec.await(i + 1, leader("n1"), WAIT, "Leader(n1) once a leader is elected");
        }
    }

    @Test
    void failsOverToTheNextEndpointWhenTheFirstRefusesConnections() throws Exception {
        URI dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        consul.put(KEY, "n1");
        ObservationRecorder rec = new ObservationRecorder();
        try (DcsClient client = new ConsulDcsProvider().create(ConsulTestConfigs.builder(dead, consul.uri()).build());
                DcsWatch w = client.watch(KEY, rec)) {
            int i = rec.await(0, leader("n1"), WAIT, "Leader(n1) through the second endpoint");
            consul.put(KEY, "n2");
            rec.await(i + 1, leader("n2"), WAIT, "Leader(n2)");
            assertThat(client.confirm(KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(LeaderObservation.Leader.class);
            assertThat(rec.all()).noneMatch(unreachable());
        }
    }

    @Test
    void closedWatchStopsDeliveringAndReleasesItsQuery() throws Exception {
        consul.put(KEY, "n1");
        ObservationRecorder rec = new ObservationRecorder();
        try (DcsClient client = client()) {
            DcsWatch w = client.watch(KEY, rec);
            rec.await(0, leader("n1"), WAIT, "Leader(n1)");
            w.close();
            w.close(); // idempotent
            int n = rec.size();
            consul.put(KEY, "n2");
            LeaderObservation c = client.confirm(KEY, Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS);
            assertThat(c).isEqualTo(new LeaderObservation.Leader("n2", consul.index()));
            assertThat(rec.size()).as("no delivery after close").isEqualTo(n);
        }
    }

    @Test
    void anAgentThatStopsAnsweringIsUnreachableWithinWaitPlusKeepalive() throws Exception {
        consul.put(KEY, "n1");
        ObservationRecorder rec = new ObservationRecorder();
        try (DcsClient client = client(); DcsWatch w = client.watch(KEY, rec)) {
            int i = rec.await(0, leader("n1"), WAIT, "Leader(n1)");
            consul.hang(true);
            long start = System.nanoTime();
            i = rec.await(i + 1, unreachable(), WAIT, "Unreachable from a hung agent");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // bound: the blocking query's wait (300 ms) + 1/16 jitter + keepalive (500 ms), with slack for CI
            assertThat(ms).as("Unreachable after %d ms", ms).isLessThan(5_000);
            long c0 = System.nanoTime();
            LeaderObservation c = client.confirm(KEY, Duration.ofMillis(400)).get(5, TimeUnit.SECONDS);
            long cms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0);
            assertThat(c).isInstanceOf(LeaderObservation.Unreachable.class);
            assertThat(cms).as("confirm(400 ms) took %d ms", cms).isLessThan(3_000);
            consul.hang(false);
            rec.await(i + 1, leader("n1"), WAIT, "Leader(n1) once the agent answers again");
        }
    }
}
