package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.VirtualAddress;
import org.vip4j.dcs.consul.testing.ConsulDouble;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.zookeeper.ZooKeeperExtension;

/**
 * The launcher's run path with {@code dcs-type: consul} (against the Consul double), {@code dcs-type: zookeeper}
 * (against a real ZooKeeper, the znode written as Patroni's zookeeper mode does) and {@code dcs-type: patroni}
 * (against a server answering as Patroni's /leader does), on a fake interface: the VIP follows, SIGTERM's stop
 * releases it and the launcher returns 0.
 */
class OtherDcsTypesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final ZooKeeperExtension ZK = ZooKeeperExtension.single();

    private static VirtualAddress vip(String iface) throws Exception {
        return new VirtualAddress(InetAddress.getByName("198.51.100.100"), 24, iface);
    }

    private static CompletableFuture<Integer> launch(VipManagerMain main, String... args) {
        return CompletableFuture.supplyAsync(() -> main.execute(args));
    }

    private static VipManagerMain main() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new VipManagerMain(Map.of(), sink, sink);
    }

    @Test
    void consulFollowsTheKeyWithOrWithoutALeadingSlash() throws Exception {
        try (ConsulDouble consul = ConsulDouble.start()) {
            consul.put("service/pg/leader", "n2");
            VipManagerMain main = main();
            CompletableFuture<Integer> run = launch(main, "run", "--dcs-type", "consul", "--dcs-endpoints",
                    consul.uri().toString(), "--manager-type", "fake", "--ip", "198.51.100.100", "--netmask", "24",
                    "--interface", "consul0", "--trigger-key", "/service/pg/leader", "--trigger-value", "n1");
            FakeAddressManager net = awaitInterface("consul0");
            consul.put("service/pg/leader", "n1");
            assertThat(net.awaitHolds(vip("consul0"), true, WAIT)).isTrue();
            consul.put("service/pg/leader", "n2");
            assertThat(net.awaitHolds(vip("consul0"), false, WAIT)).isTrue();
            consul.put("service/pg/leader", "n1");
            assertThat(net.awaitHolds(vip("consul0"), true, WAIT)).isTrue();
            main.requestStop();
            assertThat(run.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(net.holds(vip("consul0"))).as("released on stop").isFalse();
        }
    }

    @Test
    void zookeeperFollowsTheLeaderZnodeUnderAChroot() throws Exception {
        String znode = "/pg/service/lab/leader"; // Patroni's <namespace><scope>/leader, under the chroot /pg
        ZK.put(znode, "n2");
        VipManagerMain main = main();
        CompletableFuture<Integer> run = launch(main, "run", "--dcs-type", "zookeeper", "--dcs-endpoints",
                ZK.connectString() + "/pg", "--manager-type", "fake", "--ip", "198.51.100.100", "--netmask", "24",
                "--interface", "zk0", "--trigger-key", "/service/lab/leader", "--trigger-value", "n1");
        FakeAddressManager net = awaitInterface("zk0");
        ZK.put(znode, "n1");
        assertThat(net.awaitHolds(vip("zk0"), true, WAIT)).isTrue();
        ZK.delete(znode); // Patroni's session ended: the ephemeral leader znode is gone
        assertThat(net.awaitHolds(vip("zk0"), false, WAIT)).isTrue();
        ZK.put(znode, "n1");
        assertThat(net.awaitHolds(vip("zk0"), true, WAIT)).isTrue();
        main.requestStop();
        assertThat(run.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(net.holds(vip("zk0"))).as("released on stop").isFalse();
    }

    @Test
    void patroniFollowsTheStatusOfTheLocalRestApi() throws Exception {
        AtomicInteger status = new AtomicInteger(503);
        HttpServer patroni = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        patroni.createContext("/leader", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        patroni.start();
        try {
            VipManagerMain main = main();
            CompletableFuture<Integer> run = launch(main, "run", "--dcs-type", "patroni", "--dcs-endpoints",
                    "http://127.0.0.1:" + patroni.getAddress().getPort(), "--manager-type", "fake", "--ip",
                    "198.51.100.100", "--netmask", "24", "--interface", "patroni0", "--trigger-key", "/leader",
                    "--interval", "100ms");
            FakeAddressManager net = awaitInterface("patroni0");
            status.set(200);
            assertThat(net.awaitHolds(vip("patroni0"), true, WAIT)).isTrue();
            status.set(503);
            assertThat(net.awaitHolds(vip("patroni0"), false, WAIT)).isTrue();
            status.set(200);
            assertThat(net.awaitHolds(vip("patroni0"), true, WAIT)).isTrue();
            main.requestStop();
            assertThat(run.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(net.holds(vip("patroni0"))).isFalse();
        } finally {
            patroni.stop(0);
        }
    }

    private static FakeAddressManager awaitInterface(String name) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!FakeAddressManagerProvider.INTERFACES.containsKey(name)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the launcher never created its address manager for " + name);
            }
            TimeUnit.MILLISECONDS.sleep(10); // the launcher runs in another thread and offers no event for this
        }
        return FakeAddressManagerProvider.INTERFACES.get(name);
    }
}
