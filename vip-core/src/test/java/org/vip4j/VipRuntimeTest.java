package org.vip4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.FakeAddressManager.Op;
import org.vip4j.testing.InMemoryDcs;

/** Many managers on one runtime: threads that do not grow with the VIPs, and VIPs that do not wait for each other. */
class VipRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** More than the runtime's decision workers and event threads, so that waiting on them all would show. */
    private static final int STUCK = 3;

    private static VipConfig config(int i) throws Exception {
        return builder(i).build();
    }

    private static VipConfig.Builder builder(int i) throws Exception {
        return VipConfig.builder().ip(InetAddress.getByName("198.18." + (i / 250) + "." + (1 + i % 250)))
                .netmask(15).interfaceName("eth0").triggerKey("/service/c" + i + "/leader").triggerValue("n1");
    }

    private static int liveThreads() {
        return Thread.getAllStackTraces().size();
    }

    @Test
    void twoHundredVipsCostAFewThreadsNotTwoHundred() throws Exception {
        int vips = 200;
        InMemoryDcs dcs = new InMemoryDcs();
        FakeAddressManager net = new FakeAddressManager();
        List<VipManager> managers = new ArrayList<>();
        CountDownLatch held = new CountDownLatch(vips);
        int before = liveThreads();
        try (VipRuntime runtime = VipRuntime.create()) {
            for (int i = 0; i < vips; i++) {
                VipManager m = VipManager.builder().config(config(i)).runtime(runtime).dcsClient(dcs)
                        .addressManager(net).build();
                m.addListener(e -> {
                    if (e.kind() == VipEvent.Kind.ACQUIRED) {
                        held.countDown();
                    }
                });
                managers.add(m);
                m.start();
            }
            for (int i = 0; i < vips; i++) {
                dcs.put("/service/c" + i + "/leader", "n1");
            }
            assertThat(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("all %d VIPs held", vips).isTrue();
            int added = liveThreads() - before;
            System.out.printf("threads added by %d VIPs on one runtime: %d%n", vips, added);
            // decision workers and their spares, the timer, address calls in flight, event threads: a constant (with a
            // loop and an address thread per VIP, 200 VIPs added 400); 40 is what a whole process may have
            assertThat(added).as("threads added by %d VIPs", vips).isLessThanOrEqualTo(40);
            managers.forEach(VipManager::close);
            for (int i = 0; i < vips; i++) {
                assertThat(net.holds(config(i).virtualAddress())).as("VIP %d after close", i).isFalse();
            }
        }
    }

    @Test
    void vipsWhoseAddHangsDoNotHoldUpAnotherVip() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        List<FakeAddressManager> hung = new ArrayList<>();
        List<VipManager> managers = new ArrayList<>();
        try (VipRuntime runtime = VipRuntime.create()) {
            for (int i = 0; i < STUCK; i++) {
                FakeAddressManager net = new FakeAddressManager().hang(Op.ADD);
                hung.add(net);
                managers.add(VipManager.builder().config(config(i)).runtime(runtime).dcsClient(dcs)
                        .addressManager(net).build());
            }
            FakeAddressManager free = new FakeAddressManager();
            VipConfig last = config(STUCK);
            managers.add(VipManager.builder().config(last).runtime(runtime).dcsClient(dcs).addressManager(free)
                    .build());
            managers.forEach(VipManager::start);
            for (int i = 0; i < STUCK; i++) {
                dcs.put("/service/c" + i + "/leader", "n1");
            }
            for (FakeAddressManager net : hung) {
                assertThat(net.awaitCall(Op.ADD, WAIT)).as("a hanging add").isTrue();
            }
            long put = System.nanoTime();
            dcs.put(last.triggerKey(), "n1");
            assertThat(free.awaitHolds(last.virtualAddress(), true, WAIT)).isTrue();
            System.out.printf("VIP added %.1f ms after its key, while %d other VIPs' adds hang%n",
                    (System.nanoTime() - put) / 1e6, STUCK);
            for (int i = 0; i < STUCK; i++) {
                assertThat(managers.get(i).state()).as("VIP %d, its add hanging", i).isEqualTo(VipState.ACQUIRING);
            }
            hung.forEach(net -> net.heal(Op.ADD));
            managers.forEach(VipManager::close);
        }
    }

    @Test
    void listenersThatBlockDelayNoDecision() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(2); // the runtime's two event threads; the third listener queues
        List<VipManager> managers = new ArrayList<>();
        try (VipRuntime runtime = VipRuntime.create()) {
            for (int i = 0; i < STUCK; i++) {
                VipManager m = VipManager.builder().config(config(i)).runtime(runtime).dcsClient(dcs)
                        .addressManager(new FakeAddressManager()).build();
                m.addListener(e -> {
                    blocked.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                });
                managers.add(m);
            }
            FakeAddressManager net = new FakeAddressManager();
            VipConfig last = config(STUCK);
            VipManager free = VipManager.builder().config(last).runtime(runtime).dcsClient(dcs).addressManager(net)
                    .build();
            CountDownLatch acquired = new CountDownLatch(1);
            free.addListener(e -> {
                if (e.kind() == VipEvent.Kind.ACQUIRED) {
                    acquired.countDown();
                }
            }, Runnable::run); // on its own decision strand: the event threads are all taken
            managers.add(free);
            managers.forEach(VipManager::start);
            for (int i = 0; i < STUCK; i++) {
                dcs.put("/service/c" + i + "/leader", "n2");
            }
            // both event threads wait inside listeners, and a third listener's events wait for them
            assertThat(blocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            dcs.put(last.triggerKey(), "n1");
            assertThat(acquired.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the free VIP acquired").isTrue();
            assertThat(net.holds(last.virtualAddress())).isTrue();
            never.countDown();
            managers.forEach(VipManager::close);
        }
    }

    @Test
    void managersWithoutAClientShareOnePerDcsConfiguration() throws Exception {
        try (VipRuntime runtime = VipRuntime.create()) {
            VipConfig a = builder(1).dcsType("memory")
                    .dcsEndpoints(URI.create("http://127.0.0.1:2379")).build();
            VipConfig b = builder(2).dcsType("memory")
                    .dcsEndpoints(URI.create("http://127.0.0.1:2379")).build();
            VipConfig other = builder(3).dcsType("memory")
                    .dcsEndpoints(URI.create("http://127.0.0.2:2379")).build();
            VipManager ma = VipManager.builder().config(a).runtime(runtime).addressManager(new FakeAddressManager())
                    .build();
            VipManager mb = VipManager.builder().config(b).runtime(runtime).addressManager(new FakeAddressManager())
                    .build();
            assertThat(runtime.dcsClientCount()).as("two VIPs, one DCS configuration").isEqualTo(1);
            VipManager mo = VipManager.builder().config(other).runtime(runtime)
                    .addressManager(new FakeAddressManager()).build();
            assertThat(runtime.dcsClientCount()).as("another endpoint, another client").isEqualTo(2);
            ma.close();
            assertThat(runtime.dcsClientCount()).as("b still uses the first").isEqualTo(2);
            mb.close();
            mo.close();
            assertThat(runtime.dcsClientCount()).as("the last user closed each").isZero();
        }
    }

    @Test
    void aClosedRuntimeTakesNoManager() throws Exception {
        VipRuntime runtime = VipRuntime.create();
        runtime.close();
        assertThatThrownBy(() -> VipManager.builder().config(config(1)).runtime(runtime)
                .dcsClient(new InMemoryDcs()).addressManager(new FakeAddressManager()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("VipRuntime is closed");
    }
}
