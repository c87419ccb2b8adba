package org.vip4j.net.hetzner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.vip4j.net.hetzner.TestConfigs.OTHER_SERVER;
import static org.vip4j.net.hetzner.TestConfigs.THIS_SERVER;
import static org.vip4j.net.hetzner.TestConfigs.VIP;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vip4j.VirtualAddress;
import org.vip4j.net.hetzner.testing.RobotDouble;
import org.vip4j.spi.AddressManager;

/** {@code manager-type: hetzner} against the Robot double: routing, errors by status, caching, deadlines. */
class RobotManagerTest {

    private static final String USER = "#ws+robot1";
    private static final String PASSWORD = "robot-s3cr3t-never-shown";

    private RobotDouble robot;
    private VirtualAddress vip;
    private TestConfigs.LocalRecorder local;

    @BeforeEach
    void start() throws Exception {
        robot = RobotDouble.start(USER, PASSWORD)
                .server(THIS_SERVER, 321).server(OTHER_SERVER, 322)
                .failover(VIP, OTHER_SERVER);
        vip = TestConfigs.vip(VIP);
        local = new TestConfigs.LocalRecorder();
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("VIP_HETZNER_URL", robot.uri().toString());
        env.put("VIP_HETZNER_USER", USER);
        env.put("VIP_HETZNER_PASSWORD", PASSWORD);
        env.put("VIP_HETZNER_SERVER_IP", THIS_SERVER);
        return env;
    }

    private AddressManager manager(Map<String, String> env, Duration timeout) throws Exception {
        return new HetznerRobotProvider(env, (c, v) -> local).create(TestConfigs.config("hetzner", VIP, timeout));
    }

    private AddressManager manager() throws Exception {
        return manager(env(), Duration.ofSeconds(5));
    }

    @Test
    void presentMeansRoutedHere() throws Exception {
        try (AddressManager m = manager()) {
            assertThat(m.isPresent(vip)).isFalse();
            robot.route(VIP, THIS_SERVER);
            assertThat(m.isPresent(vip)).isTrue();
            robot.route(VIP, null);
            assertThat(m.isPresent(vip)).as("unrouted").isFalse();
        }
        assertThat(robot.requests()).allSatisfy(r -> assertThat(r.authorized()).isTrue());
    }

    @Test
    void addRoutesTheIpHereWithTheFormField() throws Exception {
        try (AddressManager m = manager()) {
            m.add(vip);
            assertThat(robot.activeServer(VIP)).contains(THIS_SERVER);
            assertThat(m.isPresent(vip)).isTrue();
        }
        assertThat(robot.requests()).extracting(RobotDouble.Request::method, RobotDouble.Request::path)
                .startsWith(tuple("GET", "/failover/" + VIP),
                        tuple("POST", "/failover/" + VIP));
        assertThat(robot.requests().get(1).form()).isEqualTo("active_server_ip=" + THIS_SERVER);
    }

    @Test
    void addWhenAlreadyRoutedHereSpendsNoSwitch() throws Exception {
        robot.route(VIP, THIS_SERVER);
        try (AddressManager m = manager()) {
            m.add(vip);
            m.add(vip);
        }
        assertThat(robot.requests()).extracting(RobotDouble.Request::method).containsOnly("GET");
    }

    @Test
    void alreadyRoutedConflictIsSuccess() throws Exception {
        // another call of ours routed it here after add() looked (one that outlived its deadline, say): the Robot
        // answers the switch with 409 FAILOVER_ALREADY_ROUTED, which is what add() wanted
        RobotRouter router = new RobotRouter(new ApiHttp("Hetzner Robot", robot.uri(),
                ApiHttp.client(Duration.ofSeconds(2)), authorization()), THIS_SERVER);
        robot.route(VIP, THIS_SERVER);
        router.routeHere(vip, System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        assertThat(robot.requests()).extracting(RobotDouble.Request::method).containsExactly("POST");
        assertThat(robot.activeServer(VIP)).contains(THIS_SERVER);
    }

    @Test
    void removeNeverUnroutesAndReportsTheVipAbsentAfterwards() throws Exception {
        robot.route(VIP, THIS_SERVER);
        try (AddressManager m = manager()) {
            assertThat(m.isPresent(vip)).isTrue();
            m.remove(vip);
            m.remove(vip);
            assertThat(m.isPresent(vip)).as("let go of, though still routed here").isFalse();
            assertThat(robot.activeServer(VIP)).contains(THIS_SERVER);
            m.add(vip);
            assertThat(m.isPresent(vip)).as("taken again").isTrue();
        }
        assertThat(robot.requests()).extracting(RobotDouble.Request::method).doesNotContain("DELETE", "POST");
    }

    @Test
    void aReleasedVipRoutedAwayAndBackIsPresentAgain() throws Exception {
        robot.route(VIP, THIS_SERVER);
        try (AddressManager m = manager()) {
            m.remove(vip);
            robot.route(VIP, OTHER_SERVER);
            assertThat(m.isPresent(vip)).isFalse();
            robot.route(VIP, THIS_SERVER); // an operator switched it back in the Robot's web interface
            assertThat(m.isPresent(vip)).isTrue();
        }
    }

    @Test
    void intervalChecksShareOneLookPerRefresh() throws Exception {
        Map<String, String> env = env();
        env.put("VIP_HETZNER_REFRESH", "60s");
        try (AddressManager m = manager(env, Duration.ofSeconds(5))) {
            assertThat(m.isPresent(vip, Duration.ofMillis(500))).isFalse();
            robot.route(VIP, THIS_SERVER);
            for (int i = 0; i < 5; i++) {
                assertThat(m.isPresent(vip, Duration.ofMillis(500))).as("cached").isFalse();
            }
            assertThat(m.isPresent(vip)).as("an explicit refresh").isTrue();
            assertThat(m.isPresent(vip, Duration.ofMillis(500))).isTrue();
        }
        assertThat(robot.requests()).hasSize(2);
    }

    @Test
    void addUpdatesTheCacheWithoutAnotherLook() throws Exception {
        try (AddressManager m = manager()) {
            assertThat(m.isPresent(vip, Duration.ofSeconds(1))).isFalse();
            m.add(vip);
            int before = robot.requests().size();
            assertThat(m.isPresent(vip, Duration.ofSeconds(1))).isTrue();
            assertThat(robot.requests()).hasSize(before);
        }
    }

    @Test
    void wrongPasswordIs401NamingTheCodeNotThePassword() throws Exception {
        Map<String, String> env = env();
        env.put("VIP_HETZNER_PASSWORD", "wrong-" + PASSWORD);
        try (AddressManager m = manager(env, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> m.isPresent(vip))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("401").hasMessageContaining("UNAUTHORIZED")
                    .hasMessageNotContaining(PASSWORD);
        }
    }

    @Test
    void rateLimitIsAnErrorNamingTheLimit() throws Exception {
        robot.limit(1, 0);
        try (AddressManager m = manager()) {
            assertThat(m.isPresent(vip)).isFalse();
            assertThatThrownBy(() -> m.isPresent(vip)).hasMessageContaining("403")
                    .hasMessageContaining("RATE_LIMIT_EXCEEDED").hasMessageContaining("at most 1 requests per 3600 s");
            robot.limit(10, 0);
            assertThatThrownBy(() -> m.add(vip)).hasMessageContaining("POST /failover/" + VIP)
                    .hasMessageContaining("at most 0 requests per 3600 s");
        }
    }

    @Test
    void unknownFailoverIpIs404() throws Exception {
        try (AddressManager m = manager()) {
            VirtualAddress other = TestConfigs.vip("198.51.100.200");
            assertThatThrownBy(() -> m.isPresent(other)).hasMessageContaining("404").hasMessageContaining("NOT_FOUND");
        }
    }

    @Test
    void lockedAndFailedSwitchesAreErrorsWithTheirCodes() throws Exception {
        try (AddressManager m = manager()) {
            robot.lock(true);
            assertThatThrownBy(() -> m.add(vip)).hasMessageContaining("409").hasMessageContaining("FAILOVER_LOCKED");
            robot.lock(false);
            robot.failSwitches(true);
            assertThatThrownBy(() -> m.add(vip)).hasMessageContaining("500").hasMessageContaining("FAILOVER_FAILED");
            robot.failSwitches(false);
            robot.maintenance(true);
            assertThatThrownBy(() -> m.isPresent(vip)).hasMessageContaining("503");
        }
        assertThat(robot.activeServer(VIP)).contains(OTHER_SERVER);
    }

    @Test
    void aServerIpTheAccountDoesNotHaveIsInvalidInput() throws Exception {
        Map<String, String> env = env();
        env.put("VIP_HETZNER_SERVER_IP", "198.51.100.99");
        try (AddressManager m = manager(env, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> m.add(vip)).hasMessageContaining("400").hasMessageContaining("INVALID_INPUT");
        }
    }

    @Test
    void aSlowSwitchEndsAtTheDeadline() throws Exception {
        robot.holdSwitches();
        try (AddressManager m = manager(env(), Duration.ofSeconds(1))) {
            CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
                try {
                    m.add(vip);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(robot.awaitHeldSwitch(Duration.ofSeconds(5))).isTrue();
            long start = System.nanoTime();
            Throwable e = failed.get(5, TimeUnit.SECONDS);
            assertThat(e).isNotNull().hasMessageContaining("did not answer POST /failover/" + VIP);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
        } finally {
            robot.releaseSwitches();
        }
    }

    @Test
    void localManagerAddsBeforeRoutingAndRemovesOnRelease() throws Exception {
        Map<String, String> env = env();
        env.put("VIP_HETZNER_LOCAL", "basic");
        try (AddressManager m = manager(env, Duration.ofSeconds(5))) {
            m.add(vip);
            assertThat(m.isPresent(vip)).isTrue();
            m.announce(vip);
            m.remove(vip);
            assertThat(m.isPresent(vip)).isFalse();
        }
        assertThat(local.calls).containsExactly("add " + VIP, "announce " + VIP, "remove " + VIP);
        assertThat(local.closed).isTrue();
    }

    @Test
    void withoutALocalManagerAnnounceSendsNothing() throws Exception {
        try (AddressManager m = manager()) {
            m.announce(vip);
        }
        assertThat(robot.requests()).isEmpty();
        assertThat(local.calls).isEmpty();
    }

    @Test
    void toStringShowsNoSecret() throws Exception {
        try (AddressManager m = manager()) {
            assertThat(m.toString()).doesNotContain(PASSWORD);
        }
        assertThat(RobotSettings.from(env()).toString()).doesNotContain(PASSWORD).contains("*****");
    }

    private static String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }
}
