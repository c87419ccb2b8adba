package org.vip4j.net.linux;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the announcement bursts: the first round on the caller's thread (so it is on the wire when announce()
 * returns), the rest at growing intervals from one daemon thread that every announcer of the process shares (a
 * repeat is one {@code sendto}; a thread per interface would only multiply idle threads). A new announce of the
 * same address restarts its burst; {@link #cancel} stops it for good, so a node that gave the VIP away never
 * announces it afterwards.
 */
final class Announcer implements AutoCloseable {

    /**
     * Offsets from the announce, first one 0. Growing gaps: a switch that missed the first frames still learns the
     * new MAC, and the late ones land after Linux's neighbour lock time (1 s by default, during which a host ignores
     * a changed MAC for an entry it just updated).
     */
    static final List<Duration> DEFAULT_SCHEDULE = List.of(Duration.ZERO, Duration.ofMillis(50),
            Duration.ofMillis(150), Duration.ofMillis(350), Duration.ofMillis(750), Duration.ofMillis(1550));

    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);

    /** One round of an announcement: the ARP request and reply, or the NA. */
    interface Round {
        /** @param repeat false for the first round (sent on the caller's thread), true for the scheduled ones */
        void send(boolean repeat) throws IOException;
    }

    /** Started with the first announcer; never stopped (a daemon that sleeps while no burst is pending). */
    private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();

    private final List<Duration> schedule;
    private final Map<InetAddress, Burst> bursts = new ConcurrentHashMap<>();

    Announcer(List<Duration> schedule) {
        if (schedule.isEmpty() || !schedule.get(0).isZero()) {
            throw new IllegalArgumentException("an announce schedule starts at 0, got " + schedule);
        }
        this.schedule = List.copyOf(schedule);
    }

    private static ScheduledThreadPoolExecutor newScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vip4j-announce");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /**
     * Sends the first round now (errors go to the caller) and schedules the rest. Synchronized with {@link #cancel}
     * so that two callers cannot leave a burst behind that no cancel reaches.
     */
    synchronized void announce(InetAddress address, Round round) throws IOException {
        cancel(address);
        round.send(false);
        if (schedule.size() == 1) {
            return;
        }
        Burst burst = new Burst(address, round);
        bursts.put(address, burst);
        burst.arm(SCHEDULER, schedule);
    }

    /** Stops the burst of {@code address}; once this returns, no further frame for it is sent. */
    synchronized void cancel(InetAddress address) {
        Burst burst = bursts.remove(address);
        if (burst != null) {
            burst.cancel();
        }
    }

    /** Number of bursts still sending; for tests. */
    int activeBursts() {
        return bursts.size();
    }

    /** Stops every burst of this announcer (the shared thread stays for the others). */
    @Override
    public void close() {
        bursts.keySet().forEach(this::cancel);
    }

    /** The pending rounds of one address. */
    private final class Burst {
        private final InetAddress address;
        private final Round round;
        private final List<Future<?>> pending = new ArrayList<>();
        private boolean cancelled;
        private int remaining;

        Burst(InetAddress address, Round round) {
            this.address = address;
            this.round = round;
        }

        synchronized void arm(ScheduledExecutorService executor, List<Duration> offsets) {
            remaining = offsets.size() - 1;
            for (Duration offset : offsets.subList(1, offsets.size())) {
                pending.add(executor.schedule(this::fire, offset.toNanos(), TimeUnit.NANOSECONDS));
            }
        }

        private synchronized void fire() {
            if (cancelled) {
                return;
            }
            try {
                round.send(true);
            } catch (NativeException e) {
                if (e.errno() == Errno.ENODEV) {
                    // the interface was deleted, and the VIP with it: the state machine says so once; the remaining
                    // repeats would only fail the same way
                    LOG.debug("interface gone: the announcements of {} stop ({})", address.getHostAddress(),
                            e.getMessage());
                    cancelled = true;
                    pending.forEach(f -> f.cancel(false));
                    bursts.remove(address, this);
                    return;
                }
                LOG.warn("repeating the announcement of {} failed: {}", address.getHostAddress(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.warn("repeating the announcement of {} failed: {}", address.getHostAddress(), e.getMessage());
            }
            if (--remaining == 0) {
                bursts.remove(address, this);
            }
        }

        synchronized void cancel() {
            cancelled = true;
            pending.forEach(f -> f.cancel(false));
        }
    }
}
