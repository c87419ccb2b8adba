package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent;
import org.vip4j.VipManager;
import org.vip4j.VipRuntime;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.DcsClient;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.TcpProxy;
import org.vip4j.testing.etcd.EtcdExtension;

/**
 * Elected VIPs end to end on a real etcd: three nodes in this JVM (each its own runtime, etcd client and address
 * manager; a command's exit status as the health check), watched every millisecond by a thread that counts the
 * nodes holding the VIP at once. handover-grace is 0 here: these address managers cannot hear each other's ARP, so
 * a grace would show as an overlap that real interfaces end at the new holder's first announcement.
 */
class ElectedVipTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration HOLD_DOWN = Duration.ofSeconds(1);
    private static final Duration FALLBACK_DELAY = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private final List<Node> nodes = new ArrayList<>();
    private Watcher watcher;

    private final class Node implements AutoCloseable {
        final String name;
        final FakeAddressManager address = new FakeAddressManager();
        final VipRuntime runtime = VipRuntime.create();
        final DcsClient dcs;
        final VipManager manager;
        final AtomicLong resignedAt = new AtomicLong();
        final AtomicLong acquiredAt = new AtomicLong();
        final AtomicLong releasedAt = new AtomicLong();
        final AtomicLong preemptedAt = new AtomicLong();
        final AtomicLong eligibleAt = new AtomicLong();
        volatile boolean eligible;

        Node(String name, String key, String endpoints) throws Exception {
            this(name, key, endpoints, "none");
        }

        Node(String name, String key, String endpoints, String fallbackCheck) throws Exception {
            this.name = name;
            VipConfig config = VipConfig.builder().ip(InetAddress.getByName("198.51.100.110")).netmask(24)
                    .interfaceName("eth0").triggerKey(key).triggerValue(name).set("dcs-endpoints", endpoints)
                    .election(true).electionTtl(TTL).keepalivePeriod(Duration.ofSeconds(1))
                    .handoverGrace(Duration.ZERO).healthCheck("exec:test ! -e " + down())
                    .healthInterval(Duration.ofMillis(200)).healthTimeout(Duration.ofMillis(200)).healthRise(1)
                    .healthFall(2).fallbackCheck(fallbackCheck).electionHoldDown(HOLD_DOWN)
                    .fallbackDelay(FALLBACK_DELAY).build();
            this.dcs = new EtcdDcsClientProvider().create(config);
            this.manager = VipManager.builder().config(config).dcsClient(dcs).addressManager(address)
                    .runtime(runtime).build();
            manager.addListener(e -> {
                long now = System.nanoTime();
                switch (e.kind()) {
                    case RESIGNED -> {
                        resignedAt.set(now);
                        eligible = false;
                    }
                    case ELIGIBLE -> {
                        eligible = true;
                        eligibleAt.set(now);
                    }
                    case PREEMPTED -> preemptedAt.set(now);
                    case INELIGIBLE -> eligible = false;
                    case ACQUIRED -> acquiredAt.set(now);
                    case RELEASED -> releasedAt.set(now);
                    default -> { }
                }
            }, Runnable::run);
            manager.start();
        }

        Path down() {
            return dir.resolve(name + ".down");
        }

        void health(boolean healthy) throws Exception {
            if (healthy) {
                Files.deleteIfExists(down());
            } else {
                Files.writeString(down(), "down");
            }
        }

        boolean holds() {
            return address.holds(vip());
        }

        @Override
        public void close() {
            manager.close();
            dcs.close();
            runtime.close();
        }
    }

    /** Samples every node's interface every millisecond: the most that ever held the VIP at once. */
    private final class Watcher extends Thread {
        final AtomicInteger most = new AtomicInteger();
        volatile boolean stop;

        Watcher() {
            super("holders-watcher");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop) {
                int holding = 0;
                for (Node n : List.copyOf(nodes)) {
                    holding += n.holds() ? 1 : 0;
                }
                most.accumulateAndGet(holding, Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static VirtualAddress vip() {
        try {
            return new VirtualAddress(InetAddress.getByName("198.51.100.110"), 24, "eth0");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private Node start(String name, String key, String endpoints) throws Exception {
        Node n = new Node(name, key, endpoints);
        nodes.add(n);
        return n;
    }

    private void watch() {
        watcher = new Watcher();
        watcher.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.stop = true;
            watcher.join();
        }
        for (Node n : nodes) {
            n.close();
        }
    }

    private Node awaitOneHolder(List<Node> among) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            List<Node> holding = among.stream().filter(Node::holds).toList();
            if (holding.size() == 1) {
                return holding.get(0);
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no single holder among " + among.stream().map(n -> n.name).toList() + " within "
                + WAIT);
    }

    @Test
    void exactlyOneOfThreeHoldsAndAResignMovesTheVipInMilliseconds() throws Exception {
        String key = "/vip4j/elected/resign";
        for (String name : List.of("n1", "n2", "n3")) {
            start(name, key, ETCD.endpoints());
        }
        watch();
        Node holder = awaitOneHolder(nodes);
        List<Long> moves = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Node old = holder;
            old.acquiredAt.set(0);
            for (Node n : nodes) {
                n.acquiredAt.set(0);
            }
            old.health(false);
            List<Node> others = nodes.stream().filter(n -> n != old).toList();
            holder = awaitOneHolder(others);
            Node next = holder;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (next.acquiredAt.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long ms = TimeUnit.NANOSECONDS.toMicros(next.acquiredAt.get() - old.resignedAt.get());
            moves.add(ms);
            System.out.printf("resign %d: %s resigned, %s held %.1f ms later%n", i + 1, old.name, next.name,
                    ms / 1000.0);
            assertThat(old.holds()).as(old.name + " let go").isFalse();
            old.health(true);
        }
        List<Long> sorted = moves.stream().sorted().toList();
        System.out.printf("resign -> another holds, 5 moves: p50 %.1f ms, max %.1f ms%n", sorted.get(2) / 1000.0,
                sorted.get(4) / 1000.0);
        assertThat(sorted.get(2)).as("resign -> another holds, p50 (us)").isLessThanOrEqualTo(50_000);
        assertThat(watcher.most.get()).as("nodes holding the VIP at once, ever").isLessThanOrEqualTo(1);

        // nobody eligible: nobody holds; one back: it holds
        for (Node n : nodes) {
            n.health(false);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (nodes.stream().anyMatch(n -> n.eligible || n.holds()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(nodes.stream().noneMatch(n -> n.eligible)).as("every node found ineligible").isTrue();
        assertThat(nodes.stream().noneMatch(Node::holds)).as("no holder while no node is healthy").isTrue();
        Node back = nodes.get(1);
        back.health(true);
        assertThat(awaitOneHolder(nodes)).isSameAs(back);
        assertThat(watcher.most.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void aFallbackHoldsWhileNoNodePassesItsHealthCheckAndGivesWayToOneThatDoes() throws Exception {
        String key = "/vip4j/elected/fallback";
        Path fallbackDown = dir.resolve("n1.fallback-down");
        for (String name : List.of("n1", "n2")) {
            Files.writeString(dir.resolve(name + ".down"), "down"); // before their first rounds
        }
        Node n1 = new Node("n1", key, ETCD.endpoints(), "exec:test ! -e " + fallbackDown);
        nodes.add(n1);
        Node n2 = start("n2", key, ETCD.endpoints());
        watch();
        assertThat(awaitOneHolder(nodes)).as("the fallback holds while no node passes its health-check").isSameAs(n1);
        assertThat(n1.dcs.confirm(key, WAIT).get(20, TimeUnit.SECONDS)).as("the key, as etcd has it")
                .isInstanceOfSatisfying(org.vip4j.spi.LeaderObservation.Leader.class,
                        l -> assertThat(l.value()).isEqualTo("n1;fallback"));

        n2.eligibleAt.set(0);
        n2.health(true);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (n2.acquiredAt.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long heldDown = TimeUnit.NANOSECONDS.toMillis(n1.preemptedAt.get() - n2.eligibleAt.get());
        double moved = (n2.acquiredAt.get() - n1.preemptedAt.get()) / 1e6;
        System.out.printf("fallback n1 preempted %d ms after n2 became eligible (hold-down %d ms); n2 held %.1f ms "
                + "after n1 resigned%n", heldDown, HOLD_DOWN.toMillis(), moved);
        assertThat(n1.preemptedAt.get()).as("n1 preempted").isPositive();
        assertThat(heldDown).as("n2 asked only after its hold-down (ms)").isGreaterThanOrEqualTo(HOLD_DOWN.toMillis());
        assertThat(n2.holds()).isTrue();
        assertThat(n1.holds()).isFalse();
        assertThat(moved).as("n1 resigned -> n2 holds (ms)").isLessThanOrEqualTo(50);

        // the preferred node fails and has no fallback: n1 takes the VIP back after the fallback delay
        n1.acquiredAt.set(0);
        long failed = System.nanoTime();
        n2.health(false);
        assertThat(awaitOneHolder(List.of(n1))).isSameAs(n1);
        while (n1.acquiredAt.get() == 0 && System.nanoTime() < failed + WAIT.toNanos()) {
            Thread.sleep(1);
        }
        long back = TimeUnit.NANOSECONDS.toMillis(n1.acquiredAt.get() - failed);
        System.out.printf("n2's check failing -> fallback n1 holds again after %d ms (fallback-delay %d ms)%n", back,
                FALLBACK_DELAY.toMillis());
        assertThat(n2.holds()).isFalse();
        assertThat(watcher.most.get()).as("nodes holding the VIP at once, ever").isLessThanOrEqualTo(1);

        // and when the fallback-check fails too, nobody holds
        Files.writeString(fallbackDown, "down");
        deadline = System.nanoTime() + WAIT.toNanos();
        while (n1.holds() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(nodes.stream().noneMatch(Node::holds)).as("no holder while no node is a candidate").isTrue();
    }

    @Test
    void aHolderCutOffFromEtcdLetsGoBeforeItsLeaseCanEndAndOneOtherHoldsAfterIt() throws Exception {
        String key = "/vip4j/elected/cut";
        String host = ETCD.member(0).clientUrl().getHost();
        try (TcpProxy proxy = new TcpProxy(host, ETCD.member(0).clientUrl().getPort())) {
            Node cut = start("n1", key, "http://127.0.0.1:" + proxy.port());
            awaitOneHolder(nodes);
            start("n2", key, ETCD.endpoints());
            start("n3", key, ETCD.endpoints());
            watch();
            Thread.sleep(1_500); // the others settle as candidates behind n1
            assertThat(cut.holds()).isTrue();
            long frozen = System.nanoTime();
            proxy.freeze();
            Node next = awaitOneHolder(nodes.subList(1, 3));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (next.acquiredAt.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long released = TimeUnit.NANOSECONDS.toMillis(cut.releasedAt.get() - frozen);
            long taken = TimeUnit.NANOSECONDS.toMillis(next.acquiredAt.get() - frozen);
            System.out.printf("n1 cut off from etcd: released the VIP %d ms after the cut, %s held it %d ms after "
                    + "the cut (ttl %d ms)%n", released, next.name, taken, TTL.toMillis());
            assertThat(cut.releasedAt.get()).as("n1 released").isPositive();
            assertThat(released).as("released before the lease could end (ms after the cut)")
                    .isLessThan(TTL.toMillis());
            assertThat(next.acquiredAt.get()).as("the next holder added after n1 removed").isGreaterThan(
                    cut.releasedAt.get());
            assertThat(watcher.most.get()).as("nodes holding the VIP at once, ever").isLessThanOrEqualTo(1);
            proxy.thaw();
            Thread.sleep(2_000);
            assertThat(cut.holds()).as("n1 back: a candidate, not a second holder").isFalse();
            assertThat(next.holds()).isTrue();
            assertThat(watcher.most.get()).isLessThanOrEqualTo(1);
        }
    }
}
