package org.vip4j.net.hetzner;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent;
import org.vip4j.VipManager;
import org.vip4j.VipState;
import org.vip4j.net.hetzner.testing.CloudDouble;
import org.vip4j.net.hetzner.testing.RobotDouble;
import org.vip4j.spi.AddressManager;
import org.vip4j.testing.InMemoryDcs;

/**
 * Two nodes' VipManagers, their state machines unchanged, on the Hetzner managers: the leader key moves and the
 * provider's routing follows it; closing the holder releases what the provider allows.
 */
class FailoverTest {

    private static final String KEY = "/service/pg/leader";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theFloatingIpFollowsTheLeaderKey() throws Exception {
        try (CloudDouble cloud = CloudDouble.start("t0ken").server(42).server(43).floatingIp(4711, TestConfigs.VIP,
                null); InMemoryDcs dcs = new InMemoryDcs()) {
            Node a = new Node("pg1", "hetzner-cloud", cloudManager(cloud, 42, "pg1"), dcs);
            Node b = new Node("pg2", "hetzner-cloud", cloudManager(cloud, 43, "pg2"), dcs);
            try (a; b) {
                dcs.put(KEY, "pg1");
                a.await(VipState.HOLDING);
                assertThat(cloud.assignedServer(4711)).contains(42L);

                dcs.delete(KEY); // Patroni's switchover: the old leader's key goes, then the next one writes its own
                a.await(VipState.STANDBY);
                assertThat(cloud.assignedServer(4711)).as("left for the next holder to move").contains(42L);
                dcs.put(KEY, "pg2");
                b.await(VipState.HOLDING);
                assertThat(cloud.assignedServer(4711)).contains(43L);
            }
            assertThat(cloud.assignedServer(4711)).as("let go on close, the route left where it is").contains(43L);
            assertThat(cloud.requests()).filteredOn(r -> r.path().endsWith("/unassign")).isEmpty();
        }
    }

    @Test
    void theFailoverIpFollowsTheLeaderKeyAndStaysRoutedOnClose() throws Exception {
        try (RobotDouble robot = RobotDouble.start("robot", "pw").server("198.51.100.10", 1)
                .server("198.51.100.20", 2).failover(TestConfigs.VIP, "198.51.100.20");
             InMemoryDcs dcs = new InMemoryDcs()) {
            Node a = new Node("pg1", "hetzner", robotManager(robot, "198.51.100.10", "pg1"), dcs);
            Node b = new Node("pg2", "hetzner", robotManager(robot, "198.51.100.20", "pg2"), dcs);
            try (a; b) {
                dcs.put(KEY, "pg1");
                a.await(VipState.HOLDING);
                assertThat(robot.activeServer(TestConfigs.VIP)).contains("198.51.100.10");
                dcs.put(KEY, "pg2");
                b.await(VipState.HOLDING);
                a.await(VipState.STANDBY);
                assertThat(robot.activeServer(TestConfigs.VIP)).contains("198.51.100.20");
            }
            assertThat(robot.activeServer(TestConfigs.VIP)).as("the Robot is never asked to unroute")
                    .contains("198.51.100.20");
            assertThat(robot.requests()).extracting(RobotDouble.Request::method).doesNotContain("DELETE");
        }
    }

    private static VipConfig config(String node, String type) throws Exception {
        return VipConfig.builder().ip(InetAddress.getByName(TestConfigs.VIP)).netmask(32).interfaceName("lo")
                .triggerKey(KEY).triggerValue(node).managerType(type).takeoverTimeout(Duration.ofSeconds(10))
                .handoverGrace(Duration.ofMillis(50)).build();
    }

    private static AddressManager cloudManager(CloudDouble cloud, long server, String node) throws Exception {
        return new HetznerCloudProvider(Map.of("VIP_HETZNER_CLOUD_URL", cloud.uri().toString(),
                "VIP_HETZNER_CLOUD_TOKEN", "t0ken", "VIP_HETZNER_CLOUD_SERVER_ID", Long.toString(server)),
                (c, v) -> null, TimeUnit.MILLISECONDS.toNanos(1)).create(config(node, "hetzner-cloud"));
    }

    private static AddressManager robotManager(RobotDouble robot, String serverIp, String node) throws Exception {
        return new HetznerRobotProvider(Map.of("VIP_HETZNER_URL", robot.uri().toString(), "VIP_HETZNER_USER",
                "robot", "VIP_HETZNER_PASSWORD", "pw", "VIP_HETZNER_SERVER_IP", serverIp), (c, v) -> null)
                .create(config(node, "hetzner"));
    }

    /** One node: its manager, and its transitions as they come. */
    private static final class Node implements AutoCloseable {
        private final VipManager manager;
        private final AddressManager address;
        private final BlockingQueue<VipState> states = new LinkedBlockingQueue<>();

        Node(String name, String type, AddressManager address, InMemoryDcs dcs) throws Exception {
            this.address = address;
            manager = VipManager.builder().config(config(name, type)).dcsClient(dcs)
                    .addressManager(address).build();
            manager.addListener((VipEvent e) -> {
                if (e.isTransition()) {
                    states.add(e.to());
                }
            });
            manager.start();
        }

        void await(VipState wanted) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                VipState s = states.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(s).as("waiting for " + wanted).isNotNull();
                if (s == wanted) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            manager.close();
            address.close();
        }
    }
}
