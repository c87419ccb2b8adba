package org.vip4j.dcs.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;

@SuppressWarnings("try") // watches stay open for the body of try-with-resources, unreferenced
class PatroniClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private PatroniDouble patroni;

    @BeforeEach
    void startPatroni() throws Exception {
        patroni = PatroniDouble.start();
    }

    @AfterEach
    void stopPatroni() {
        patroni.close();
    }

    private DcsClient client(VipConfig config) {
        return new PatroniDcsProvider().create(config);
    }

    @Test
    void statusesMapToObservations() {
        URI u = URI.create("http://127.0.0.1:8008/leader");
        assertThat(PatroniRest.observe(u, 200)).isEqualTo(new LeaderObservation.Leader("200", 0));
        assertThat(PatroniRest.observe(u, 503)).isEqualTo(new LeaderObservation.Leader("503", 0));
        assertThat(PatroniRest.observe(u, 404)).isEqualTo(new LeaderObservation.Leader("404", 0));
        assertThat(PatroniRest.observe(u, 500)).isInstanceOf(LeaderObservation.Unreachable.class);
        assertThat(PatroniRest.observe(u, 502)).isInstanceOf(LeaderObservation.Unreachable.class);
        assertThat(PatroniRest.observe(u, 401)).isInstanceOf(LeaderObservation.Unreachable.class);
    }

    @Test
    void triggerValueDefaultsTo200ForThisType() {
        assertThat(PatroniTestConfigs.builder(patroni.uri()).build().triggerValue()).isEqualTo("200");
    }

    @Test
    void twentyPollsShareTwoThreads() throws Exception {
        patroni.answer(200);
        try (DcsClient client = client(PatroniTestConfigs.builder(patroni.uri()).build())) {
            java.util.List<ObservationRecorder> recs = new java.util.ArrayList<>();
            java.util.List<DcsWatch> polls = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    ObservationRecorder rec = new ObservationRecorder();
                    recs.add(rec);
                    polls.add(client.watch("/leader", rec));
                }
                for (ObservationRecorder rec : recs) {
                    rec.await(0, leader("200"), WAIT, "200");
                }
                patroni.answer(503); // every poll must go on to see it
                for (ObservationRecorder rec : recs) {
                    rec.await(0, leader("503"), WAIT, "503 after the change");
                }
                java.util.List<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(n -> n.startsWith("vip4j-patroni")).toList();
                System.out.println("20 Patroni polls: threads " + threads);
                assertThat(threads).as("the client's threads for 20 polls").hasSizeLessThanOrEqualTo(2);
            } finally {
                polls.forEach(DcsWatch::close);
            }
        }
    }

    @Test
    void answers200And503AsLeaderValuesOnLeaderAndPrimary() throws Exception {
        for (String path : new String[] {"/leader", "/primary", "primary"}) {
            patroni.answer(200);
            try (DcsClient client = client(PatroniTestConfigs.builder(patroni.uri()).build())) {
                ObservationRecorder rec = new ObservationRecorder();
                try (DcsWatch w = client.watch(path, rec)) {
                    int i = rec.await(0, leader("200"), WAIT, "200 on " + path);
                    patroni.answer(503);
                    rec.await(i + 1, leader("503"), WAIT, "503 on " + path);
                }
            }
        }
    }

    @Test
    void slowAnswerIsUnreachableWithinTheDeadline() throws Exception {
        try (DcsClient client = client(PatroniTestConfigs.builder(patroni.uri()).build())) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch("/leader", rec)) {
                int i = rec.await(0, leader("200"), WAIT, "200");
                patroni.delay(Duration.ofSeconds(30));
                i = rec.await(i + 1, unreachable(), WAIT, "Unreachable when Patroni answers after 30 s");
                assertThat(((LeaderObservation.Unreachable) rec.all().get(i)).reason()).contains("/leader");
                long start = System.nanoTime();
                LeaderObservation c = client.confirm("/leader", Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(c).isInstanceOf(LeaderObservation.Unreachable.class);
                assertThat(ms).as("confirm(300 ms) took %d ms", ms).isLessThan(3_000);
                patroni.delay(Duration.ZERO);
                rec.await(i + 1, leader("200"), WAIT, "200 once Patroni answers in time");
            }
        }
    }

    @Test
    void refusedConnectionIsUnreachable() throws Exception {
        URI dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        try (DcsClient client = client(PatroniTestConfigs.builder(dead).build())) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch("/leader", rec)) {
                int i = rec.await(0, unreachable(), WAIT, "Unreachable on a refused connection");
                assertThat(((LeaderObservation.Unreachable) rec.all().get(i)).reason()).contains("cannot connect");
            }
            assertThat(client.confirm("/leader", Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(LeaderObservation.Unreachable.class);
        }
    }

    @Test
    void sendsBasicAuthWhenUserAndPasswordAreSet() throws Exception {
        VipConfig config = PatroniTestConfigs.builder(patroni.uri()).etcdUser("vip").etcdPassword("pw").build();
        try (DcsClient client = client(config)) {
            assertThat(client.confirm("/leader", Duration.ofSeconds(2)).get(5, TimeUnit.SECONDS))
                    .isEqualTo(new LeaderObservation.Leader("200", 0));
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString("vip:pw".getBytes(StandardCharsets.UTF_8));
        assertThat(patroni.authorizations()).containsExactly(expected);
    }

    @Test
    void everyAnswerIsDeliveredSoAConfirmationThePollNeverSampledCannotStrandTheManager() throws Exception {
        // 200 -> 503 -> 200 between two polls: the manager may have seen the 503 through confirm(); only a repeated
        // 200 brings it back, since the poll itself saw no change
        try (DcsClient client = client(PatroniTestConfigs.builder(patroni.uri()).build())) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch("/leader", rec)) {
                rec.await(0, leader("200"), WAIT, "200");
                int polls = patroni.requests();
                assertThat(patroni.awaitRequests(polls + 3, WAIT)).as("three more polls").isTrue();
                rec.await(2, leader("200"), WAIT, "the third delivery of 200");
                assertThat(rec.all()).allMatch(o -> o.equals(new LeaderObservation.Leader("200", 0)));
            }
        }
    }
}
