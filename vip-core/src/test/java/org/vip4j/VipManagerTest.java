package org.vip4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.InMemoryDcs;

/** The façade with its real loop thread: lifecycle, listeners, sharing one DCS client. */
class VipManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static VipConfig config(String ip, String key, String node) throws Exception {
        return VipConfig.builder().ip(InetAddress.getByName(ip)).netmask(24).interfaceName("eth0")
                .triggerKey(key).triggerValue(node).build();
    }

    private static VipEvent next(BlockingQueue<VipEvent> q, VipEvent.Kind kind) throws InterruptedException {
        while (true) {
            VipEvent e = q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no " + kind + " event within " + WAIT);
            }
            if (e.kind() == kind) {
                return e;
            }
        }
    }

    @Test
    void holdsWhileLeadingAndReleasesOnClose() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        FakeAddressManager net = new FakeAddressManager();
        VipConfig cfg = config("198.51.100.100", "/service/pg/leader", "n1");
        VipManager m = VipManager.builder().config(cfg).dcsClient(dcs).addressManager(net).build();
        BlockingQueue<VipEvent> events = new LinkedBlockingQueue<>();
        m.addListener(events::add);
        m.start();
        dcs.put("/service/pg/leader", "n1");
        next(events, VipEvent.Kind.ACQUIRED);
        assertThat(net.holds(cfg.virtualAddress())).isTrue();
        assertThat(m.state()).isEqualTo(VipState.HOLDING);
        m.close();
        assertThat(net.holds(cfg.virtualAddress())).as("close() returns after the VIP is removed").isFalse();
        assertThat(m.state()).isEqualTo(VipState.STOPPED);
        assertThat(m.isRunning()).isFalse();
        m.close(); // idempotent
        assertThat(net.isClosed()).as("an address manager passed in is not ours to close").isFalse();
    }

    @Test
    void startsOnceOnly() throws Exception {
        VipConfig cfg = config("198.51.100.100", "/k", "n1");
        try (VipManager m = VipManager.builder().config(cfg).dcsClient(new InMemoryDcs())
                .addressManager(new FakeAddressManager()).build()) {
            m.start();
            assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a manager starts once");
        }
    }

    @Test
    void closeFromAListenerDoesNotWaitForTheLoopItRunsOn() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        FakeAddressManager net = new FakeAddressManager();
        VipConfig cfg = config("198.51.100.100", "/k", "n1");
        VipManager m = VipManager.builder().config(cfg).dcsClient(dcs).addressManager(net).build();
        CountDownLatch closed = new CountDownLatch(1);
        m.addListener(e -> {
            if (e.kind() == VipEvent.Kind.ACQUIRED) {
                m.close();
                closed.countDown();
            }
        });
        m.start();
        dcs.put("/k", "n1");
        assertThat(closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(net.awaitHolds(cfg.virtualAddress(), false, WAIT)).isTrue();
    }

    @Test
    void aThrowingListenerIsSkippedAndTheOthersStillRunInOrder() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        VipConfig cfg = config("198.51.100.100", "/k", "n1");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<VipEvent.Kind> onExecutor = new CopyOnWriteArrayList<>();
        BlockingQueue<VipEvent> events = new LinkedBlockingQueue<>();
        try (VipManager m = VipManager.builder().config(cfg).dcsClient(dcs).addressManager(new FakeAddressManager())
                .build()) {
            m.addListener(e -> {
                throw new IllegalStateException("listener bug");
            });
            m.addListener(e -> onExecutor.add(e.kind()), executor);
            m.addListener(events::add);
            m.start();
            dcs.put("/k", "n2");
            dcs.put("/k", "n1");
            next(events, VipEvent.Kind.ACQUIRED);
        } finally {
            executor.shutdown();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(onExecutor).containsSubsequence(VipEvent.Kind.LEADER_CHANGED, VipEvent.Kind.LEADER_CHANGED,
                VipEvent.Kind.ACQUIRED, VipEvent.Kind.STOPPED, VipEvent.Kind.RELEASED);
    }

    @Test
    void manyManagersShareOneDcsClient() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        FakeAddressManager net = new FakeAddressManager();
        VipConfig a = config("198.51.100.101", "/service/a/leader", "n1");
        VipConfig b = config("198.51.100.102", "/service/b/leader", "n1");
        BlockingQueue<VipEvent> events = new LinkedBlockingQueue<>();
        try (VipManager ma = VipManager.builder().config(a).dcsClient(dcs).addressManager(net).build();
             VipManager mb = VipManager.builder().config(b).dcsClient(dcs).addressManager(net).build()) {
            ma.addListener(events::add);
            mb.addListener(events::add);
            ma.start();
            mb.start();
            assertThat(dcs.watchCount()).isEqualTo(2);
            dcs.put("/service/a/leader", "n1");
            dcs.put("/service/b/leader", "n2");
            assertThat(next(events, VipEvent.Kind.ACQUIRED).vip()).isEqualTo(a.virtualAddress());
            assertThat(net.holds(b.virtualAddress())).isFalse();
        }
        assertThat(dcs.watchCount()).as("closing a manager closes its watch, not the shared client").isZero();
        dcs.put("/service/a/leader", "n3"); // the shared client still works
    }
}
