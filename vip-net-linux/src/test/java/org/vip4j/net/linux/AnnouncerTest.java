package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AnnouncerTest {

    private static final List<Duration> FAST = List.of(Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(30),
            Duration.ofMillis(70));

    @Test
    void firstRoundRunsOnTheCallersThreadAndTheRestFollow() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(4);
        try (Announcer announcer = new Announcer(FAST)) {
            announcer.announce(InetAddress.getByName("198.51.100.10"), repeat -> {
                threads.add(Thread.currentThread().getName());
                all.countDown();
            });
            assertThat(threads).containsExactly(Thread.currentThread().getName());
            assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(threads.subList(1, 4)).containsOnly("vip4j-announce");
        }
    }

    @Test
    void cancelStopsTheBurst() throws Exception {
        List<Long> rounds = new CopyOnWriteArrayList<>();
        InetAddress vip = InetAddress.getByName("198.51.100.10");
        try (Announcer announcer = new Announcer(List.of(Duration.ZERO, Duration.ofMillis(200)))) {
            announcer.announce(vip, repeat -> rounds.add(System.nanoTime()));
            announcer.cancel(vip);
            assertThat(announcer.activeBursts()).isZero();
            // a second, uncancelled burst on another address proves the scheduler ran past the cancelled slot
            CountDownLatch other = new CountDownLatch(2);
            announcer.announce(InetAddress.getByName("198.51.100.11"), repeat -> other.countDown());
            assertThat(other.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(rounds).hasSize(1);
        }
    }

    @Test
    void aFailingFirstRoundReachesTheCaller() {
        try (Announcer announcer = new Announcer(FAST)) {
            assertThatThrownBy(() -> announcer.announce(InetAddress.getByName("198.51.100.10"), repeat -> {
                throw new IOException("ENXIO");
            })).isInstanceOf(IOException.class).hasMessage("ENXIO");
            assertThat(announcer.activeBursts()).isZero();
        }
    }

    @Test
    void scheduleMustStartAtZero() {
        assertThatThrownBy(() -> new Announcer(List.of(Duration.ofMillis(5))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
