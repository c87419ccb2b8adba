package org.vip4j.net.hetzner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vip4j.net.hetzner.TestConfigs.VIP;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vip4j.VirtualAddress;
import org.vip4j.net.hetzner.testing.CloudDouble;
import org.vip4j.spi.AddressManager;

/** {@code manager-type: hetzner-cloud} against the Cloud double: assign actions, errors, caching, deadlines. */
class CloudManagerTest {

    private static final String TOKEN = "cloud-t0ken-never-shown";
    private static final long THIS_SERVER = 42;
    private static final long OTHER_SERVER = 43;
    private static final long FIP = 4711;
    /** Polls in the tests come at once: the double counts polls, not seconds. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private CloudDouble cloud;
    private VirtualAddress vip;

    @BeforeEach
    void start() throws Exception {
        cloud = CloudDouble.start(TOKEN).server(THIS_SERVER).server(OTHER_SERVER)
                .floatingIp(4710, "198.51.100.99", null)
                .floatingIp(FIP, VIP, OTHER_SERVER);
        vip = TestConfigs.vip(VIP);
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("VIP_HETZNER_CLOUD_URL", cloud.uri().toString());
        env.put("VIP_HETZNER_CLOUD_TOKEN", TOKEN);
        env.put("VIP_HETZNER_CLOUD_SERVER_ID", Long.toString(THIS_SERVER));
        return env;
    }

    private AddressManager manager(Map<String, String> env, Duration timeout, String ip) throws Exception {
        return new HetznerCloudProvider(env, (c, v) -> new TestConfigs.LocalRecorder(), POLL_NANOS)
                .create(TestConfigs.config("hetzner-cloud", ip, timeout));
    }

    private AddressManager manager() throws Exception {
        return manager(env(), Duration.ofSeconds(10), VIP);
    }

    @Test
    void presentMeansAssignedHere() throws Exception {
        try (AddressManager m = manager()) {
            assertThat(m.isPresent(vip)).isFalse();
            cloud.assign(FIP, THIS_SERVER);
            assertThat(m.isPresent(vip)).isTrue();
            cloud.assign(FIP, null);
            assertThat(m.isPresent(vip)).isFalse();
        }
        assertThat(cloud.requests()).allSatisfy(r -> assertThat(r.authorized()).isTrue());
        assertThat(cloud.requests()).filteredOn(r -> r.path().equals("/v1/floating_ips")).hasSize(1);
    }

    @Test
    void addAssignsAndWaitsForTheActionToSucceed() throws Exception {
        cloud.pollsPerAction(3);
        try (AddressManager m = manager()) {
            m.add(vip);
            assertThat(cloud.assignedServer(FIP)).contains(THIS_SERVER);
            assertThat(m.isPresent(vip)).isTrue();
        }
        assertThat(cloud.requests()).filteredOn(r -> r.method().equals("POST")).singleElement()
                .satisfies(r -> {
                    assertThat(r.path()).isEqualTo("/v1/floating_ips/" + FIP + "/actions/assign");
                    assertThat(r.body()).isEqualTo("{\"server\":" + THIS_SERVER + "}");
                });
        assertThat(cloud.requests()).filteredOn(r -> r.path().startsWith("/v1/actions/")).hasSize(3);
    }

    @Test
    void findsTheFloatingIpOnALaterPage() throws Exception {
        for (long id = 1; id <= 120; id++) {
            cloud.floatingIp(id, "198.51.100." + (id % 90 + 1), null);
        }
        cloud.floatingIp(9000, "2001:db8:1::/64", OTHER_SERVER);
        try (AddressManager m = manager(env(), Duration.ofSeconds(10), "2001:db8:1::10")) {
            VirtualAddress v6 = TestConfigs.vip("2001:db8:1::10");
            m.add(v6);
            assertThat(cloud.assignedServer(9000)).contains(THIS_SERVER);
        }
        assertThat(cloud.requests()).filteredOn(r -> r.path().equals("/v1/floating_ips")).hasSize(3);
    }

    @Test
    void removeLetsGoHereAndLeavesTheAssignmentForTheNextHolderToMove() throws Exception {
        Map<String, String> other = env();
        other.put("VIP_HETZNER_CLOUD_SERVER_ID", Long.toString(OTHER_SERVER));
        try (AddressManager m = manager(); AddressManager next = manager(other, Duration.ofSeconds(5), VIP)) {
            m.add(vip);
            m.remove(vip);
            assertThat(m.isPresent(vip)).as("let go of here").isFalse();
            assertThat(cloud.assignedServer(FIP)).as("an unassign could cross the next holder's assign")
                    .contains(THIS_SERVER);
            next.add(vip);
            assertThat(cloud.assignedServer(FIP)).contains(OTHER_SERVER);
            assertThat(next.isPresent(vip)).isTrue();
            assertThat(m.isPresent(vip)).isFalse();
            m.add(vip); // back here: news again
            assertThat(cloud.assignedServer(FIP)).contains(THIS_SERVER);
        }
        assertThat(cloud.requests()).filteredOn(r -> r.path().endsWith("/unassign")).isEmpty();
    }

    @Test
    void aFailedActionNamesItsErrorCode() throws Exception {
        cloud.failNextAction("server_not_running", "the server is not running");
        try (AddressManager m = manager()) {
            assertThatThrownBy(() -> m.add(vip)).isInstanceOf(IOException.class)
                    .hasMessageContaining("assign_floating_ip").hasMessageContaining("failed")
                    .hasMessageContaining("server_not_running");
        }
        assertThat(cloud.assignedServer(FIP)).contains(OTHER_SERVER);
    }

    @Test
    void aLockedFloatingIpIs423AndAConflict409() throws Exception {
        cloud.holdActions();
        try (AddressManager m = manager(env(), Duration.ofMillis(500), VIP)) {
            assertThatThrownBy(() -> m.add(vip)).hasMessageContaining("still running");
            assertThatThrownBy(() -> m.add(vip)).hasMessageContaining("423").hasMessageContaining("locked");
        }
        cloud.releaseActions();
        CloudDouble fresh = CloudDouble.start(TOKEN).server(THIS_SERVER).floatingIp(FIP, VIP, null);
        try (fresh) {
            fresh.conflictNext();
            Map<String, String> env = env();
            env.put("VIP_HETZNER_CLOUD_URL", fresh.uri().toString());
            try (AddressManager m = manager(env, Duration.ofSeconds(10), VIP)) {
                assertThatThrownBy(() -> m.add(vip)).hasMessageContaining("409").hasMessageContaining("conflict");
                m.add(vip); // the retry after retry-timeout
                assertThat(fresh.assignedServer(FIP)).contains(THIS_SERVER);
            }
        }
    }

    @Test
    void aSlowActionEndsAtTheDeadline() throws Exception {
        cloud.holdActions();
        try (AddressManager m = manager(env(), Duration.ofSeconds(1), VIP)) {
            CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
                try {
                    m.add(vip);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            assertThat(cloud.awaitActionPolls(1, Duration.ofSeconds(5))).isTrue();
            Throwable e = failed.get(5, TimeUnit.SECONDS);
            assertThat(e).isNotNull().hasMessageContaining("still running").hasMessageContaining("takeover-timeout");
        }
        assertThat(cloud.assignedServer(FIP)).contains(OTHER_SERVER);
    }

    @Test
    void wrongTokenIs401WithoutTheToken() throws Exception {
        Map<String, String> env = env();
        env.put("VIP_HETZNER_CLOUD_TOKEN", "wrong-" + TOKEN);
        try (AddressManager m = manager(env, Duration.ofSeconds(5), VIP)) {
            assertThatThrownBy(() -> m.isPresent(vip)).hasMessageContaining("401").hasMessageContaining("unauthorized")
                    .hasMessageNotContaining(TOKEN);
        }
    }

    @Test
    void rateLimitIs429NamingTheLimitAndTheReset() throws Exception {
        cloud.budget(3600, 0);
        try (AddressManager m = manager()) {
            assertThatThrownBy(() -> m.isPresent(vip)).hasMessageContaining("429")
                    .hasMessageContaining("rate_limit_exceeded").hasMessageContaining("3600 requests per hour")
                    .hasMessageContaining("0 left").hasMessageContaining("1767225600");
        }
    }

    @Test
    void aFloatingIpNotInTheProjectIs404NamingWhatWasFound() throws Exception {
        try (AddressManager m = manager(env(), Duration.ofSeconds(5), "198.51.100.201")) {
            assertThatThrownBy(() -> m.isPresent(TestConfigs.vip("198.51.100.201")))
                    .hasMessageContaining("no floating IP 198.51.100.201").hasMessageContaining(VIP);
        }
    }

    @Test
    void aDeletedFloatingIpIsLookedUpAgain() throws Exception {
        try (AddressManager m = manager()) {
            assertThat(m.isPresent(vip)).isFalse();
            cloud.delete(FIP);
            cloud.floatingIp(5000, VIP, THIS_SERVER); // re-created under another id
            assertThatThrownBy(() -> m.isPresent(vip)).hasMessageContaining("404").hasMessageContaining("not_found");
            assertThat(m.isPresent(vip)).isTrue();
        }
    }

    @Test
    void maintenanceIs503NeverAbsent() throws Exception {
        cloud.maintenance(true);
        try (AddressManager m = manager()) {
            assertThatThrownBy(() -> m.isPresent(vip)).hasMessageContaining("503").hasMessageContaining("maintenance");
            assertThatThrownBy(() -> m.isPresent(vip, Duration.ofSeconds(30))).hasMessageContaining("503");
        }
    }

    @Test
    void intervalChecksUseTheCacheUntilRefresh() throws Exception {
        Map<String, String> env = env();
        env.put("VIP_HETZNER_CLOUD_REFRESH", "30s");
        try (AddressManager m = manager(env, Duration.ofSeconds(5), VIP)) {
            assertThat(m.isPresent(vip, Duration.ofMillis(500))).isFalse();
            int after = cloud.requests().size();
            cloud.assign(FIP, THIS_SERVER);
            assertThat(m.isPresent(vip, Duration.ofMillis(500))).isFalse();
            assertThat(cloud.requests()).hasSize(after);
            assertThat(m.isPresent(vip)).isTrue();
        }
    }

    @Test
    void floatingIpMatching() throws Exception {
        assertThat(CloudRouter.matches("198.51.100.100", TestConfigs.vip("198.51.100.100"))).isTrue();
        assertThat(CloudRouter.matches("198.51.100.10", TestConfigs.vip("198.51.100.100"))).isFalse();
        assertThat(CloudRouter.matches("2001:db8:1::/64", TestConfigs.vip("2001:db8:1::beef"))).isTrue();
        assertThat(CloudRouter.matches("2001:db8:1::/64", TestConfigs.vip("2001:db8:2::beef"))).isFalse();
        assertThat(CloudRouter.matches("2001:db8:1::/64", TestConfigs.vip("198.51.100.100"))).isFalse();
        assertThat(CloudRouter.matches("example.org", TestConfigs.vip("198.51.100.100"))).isFalse();
    }
}
