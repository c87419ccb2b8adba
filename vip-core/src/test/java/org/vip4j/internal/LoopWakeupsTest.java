package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.FakeAddressManager.Op.ADD;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent;
import org.vip4j.VipEvent.Kind;
import org.vip4j.VipState;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.InMemoryDcs;

/**
 * The real loop thread on the real monotonic ticker: an idle standby must wake up only for its reconcile interval,
 * whatever deadline an earlier failure left behind. Seen in the lab before: a failed add, then the key moving to
 * another node, kept the loop polling without waiting (101 % of a core, in STANDBY, until restarted).
 */
class LoopWakeupsTest {

    @Test
    void aStandbyWhoseFailedAddIsNoLongerWantedSleepsUntilItsNextInterval() throws Exception {
        VipConfig config = Harness.baseConfig("n1").retryTimeout(Duration.ofMillis(100))
                .interval(Duration.ofSeconds(1)).build();
        InMemoryDcs dcs = new InMemoryDcs();
        FakeAddressManager net = new FakeAddressManager()
                .fail(ADD, new IOException("adding 198.51.100.100/24 to interface dum0 failed: ENODEV"));
        BlockingQueue<VipEvent> events = new LinkedBlockingQueue<>();
        Ticker ticker = Ticker.system();
        EventLoop loop = new EventLoop(ticker);
        try (RuntimeThreads threads = new RuntimeThreads("vip4j-test");
             AddressCalls calls = new AddressCalls(net, config.virtualAddress(), config.takeoverTimeout())) {
            VipStateMachine[] machine = machine(config, ticker, dcs, calls, loop, events);
            dcs.put(Harness.KEY, "n1");
            loop.start(threads);
            dcs.watch(Harness.KEY, (LeaderObservation obs) -> loop.post(() -> machine[0].onObservation(obs)));
            await(events, Kind.TAKEOVER_FAILED);
            dcs.put(Harness.KEY, "n2");
            await(events, Kind.LEADER_CHANGED);
            assertThat(machine[0].state()).isEqualTo(VipState.STANDBY);

            // the retry deadline (100 ms) passes inside this window; then only the 1 s reconcile may wake the loop
            long before = loop.wakeups();
            TimeUnit.MILLISECONDS.sleep(600);
            long wakeups = loop.wakeups() - before;
            System.out.printf("loop wake-ups in 600 ms of STANDBY after a failed add: %d%n", wakeups);
            assertThat(wakeups).as("wake-ups in 600 ms (a spinning loop makes hundreds of thousands)")
                    .isLessThanOrEqualTo(3);
            assertThat(loop.pastWakeups()).as("ticks that left a deadline in the past").isZero();
            assertThat(net.count(ADD)).as("no retry once another node leads").isEqualTo(1);
        } finally {
            loop.shutdown();
            loop.awaitTermination(1_000);
        }
    }

    @Test
    void aTurnThatBeginsLateBecauseTheTimerCouldNotRunIsCounted() throws Exception {
        VipConfig config = Harness.baseConfig("n1").interval(Duration.ofSeconds(1)).build();
        InMemoryDcs dcs = new InMemoryDcs();
        BlockingQueue<VipEvent> events = new LinkedBlockingQueue<>();
        Ticker ticker = Ticker.system();
        EventLoop loop = new EventLoop(ticker);
        try (RuntimeThreads threads = new RuntimeThreads("vip4j-test");
             AddressCalls calls = new AddressCalls(new FakeAddressManager(), config.virtualAddress(),
                     config.takeoverTimeout())) {
            VipStateMachine[] machine = machine(config, ticker, dcs, calls, loop, events);
            dcs.put(Harness.KEY, "n2");
            loop.start(threads);
            dcs.watch(Harness.KEY, (LeaderObservation obs) -> loop.post(() -> machine[0].onObservation(obs)));
            await(events, Kind.LEADER_CHANGED);
            long before = loop.lateWakeups();
            // the timer's one thread held for longer than the reconcile interval: that deadline's turn comes late
            threads.timer().execute(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(1_500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (loop.lateWakeups() == before && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            assertThat(loop.lateWakeups() - before).as("turns begun 250 ms or more after their deadline").isPositive();
        } finally {
            loop.shutdown();
            loop.awaitTermination(1_000);
        }
    }

    private static VipStateMachine[] machine(VipConfig config, Ticker ticker, InMemoryDcs dcs, AddressCalls calls,
                                             EventLoop loop, BlockingQueue<VipEvent> events) {
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.add(events::add, null);
        VipStateMachine[] machine = new VipStateMachine[1];
        machine[0] = new VipStateMachine(config, ticker, calls, (ticket, window) -> calls.probeLater(window,
                (owner, failure) -> loop.post(() -> machine[0].onProbeAnswer(ticket, owner, failure))),
                ticket -> dcs.confirm(Harness.KEY,
                Duration.ofSeconds(1)).thenAccept(obs -> loop.post(() -> machine[0].onConfirmed(ticket, obs))),
                ticket -> () -> { }, new Transitions(config.virtualAddress(), "n1", Clock.systemUTC(), listeners),
                null);
        loop.attach(machine[0]);
        return machine;
    }

    private static void await(BlockingQueue<VipEvent> events, Kind kind) throws InterruptedException {
        while (true) {
            VipEvent e = events.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("event " + kind).isNotNull();
            if (e.kind() == kind) {
                return;
            }
        }
    }
}
