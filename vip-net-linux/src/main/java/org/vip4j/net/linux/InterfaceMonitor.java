package org.vip4j.net.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.InterfaceChange;
import org.vip4j.spi.Subscription;

/**
 * Follows one interface through rtnetlink notifications on a thread of its own: the kernel multicasts every address
 * and link change (RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR) to the socket, whoever made it, so an
 * {@code ip addr del} or a cable coming back is known within a millisecond instead of at the next interval.
 *
 * <p>One monitor (one socket, one thread) serves every subscriber of the same interface in the same network
 * namespace: a launcher with 100 VIPs on eth0 had 100 of each, all reading the same notifications. It stops when
 * its last subscriber leaves.
 *
 * <p>The thread blocks in recvfrom with a one-second timeout, which only bounds how long it takes to notice
 * {@link #close()}; it closes the socket itself, so its file descriptor cannot be reused under it.
 */
final class InterfaceMonitor {

    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    /** IFF_RUNNING: up and with a carrier, what {@code ip link} shows as LOWER_UP. */
    static final int IFF_RUNNING = 0x40;
    /** ENOBUFS: the kernel dropped notifications because our receive buffer was full. */
    private static final int ENOBUFS = 105;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(InterfaceMonitor.class);
    /** By network namespace and interface name; guarded by itself, as is every monitor's subscriber list. */
    private static final Map<String, InterfaceMonitor> SHARED = new HashMap<>();

    private final String name;
    private final String key;
    private final NetlinkSocket socket;
    /** Requests of the monitor's own, made in the subscriber's network namespace (sockets keep the one they were
     *  opened in; the monitor thread may be in another). */
    private final RtNetlink requests;
    private final List<Consumer<InterfaceChange>> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private int index;
    private boolean running;

    private InterfaceMonitor(String name, String key, LinkInfo link, NetlinkSocket socket, RtNetlink requests) {
        this.name = name;
        this.key = key;
        this.index = link.index();
        this.running = isRunning(link.flags());
        this.socket = socket;
        this.requests = requests;
    }

    /**
     * Reports the changes of interface {@code name} of the calling thread's network namespace to {@code onChange}
     * until the returned subscription is closed; {@code link} is the interface as it is now, for a monitor that
     * does not run yet (it joins the groups and starts its thread).
     */
    static Subscription subscribe(String name, LinkInfo link, Consumer<InterfaceChange> onChange)
            throws NativeException {
        String key = namespaceOfThisThread() + "/" + name;
        InterfaceMonitor monitor;
        synchronized (SHARED) {
            monitor = SHARED.get(key);
            if (monitor == null) {
                NetlinkSocket socket = NetlinkSocket.open(READ_TIMEOUT,
                        RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
                RtNetlink requests;
                try {
                    requests = RtNetlink.open(READ_TIMEOUT);
                } catch (NativeException e) {
                    socket.close();
                    throw e;
                }
                try {
                    requests.forgetUnresolvedNeighbours(link.index(), false); // warm-up, see there
                } catch (IOException e) {
                    LOG.debug("interface {}: listing its neighbours failed ({})", name, e.getMessage());
                }
                monitor = new InterfaceMonitor(name, key, link, socket, requests);
                Thread t = new Thread(monitor::run, "vip4j-ifmon-" + name);
                t.setDaemon(true);
                t.start();
                SHARED.put(key, monitor);
            }
            monitor.subscribers.add(onChange);
        }
        InterfaceMonitor m = monitor;
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                m.unsubscribe(onChange);
            }
        };
    }

    private void unsubscribe(Consumer<InterfaceChange> onChange) {
        synchronized (SHARED) {
            subscribers.remove(onChange);
            if (subscribers.isEmpty()) {
                SHARED.remove(key, this);
                closed = true; // the thread notices within READ_TIMEOUT and closes the socket
            }
        }
    }

    /** The calling thread's network namespace (threads may differ: setns is per thread), e.g. "net:[4026531840]". */
    private static String namespaceOfThisThread() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    private void run() {
        try {
            while (!closed) {
                try {
                    socket.receive(this::onMessage);
                } catch (NativeException e) {
                    if (e.errno() != ENOBUFS) {
                        throw e;
                    }
                    // some changes were lost: say so, and the manager re-checks the interface as a whole
                    report(new InterfaceChange(InterfaceChange.Kind.ADDRESS_REMOVED, null));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warn("interface {}: no longer following its changes ({}); the interval check still runs", name,
                        e.getMessage());
            }
        } finally {
            synchronized (SHARED) {
                SHARED.remove(key, this); // a dead monitor must not be handed to the next subscriber
            }
            socket.close();
            requests.close();
        }
    }

    private void onMessage(int type, ByteBuffer msg) throws IOException {
        if (type == RtNetlink.RTM_NEWADDR || type == RtNetlink.RTM_DELADDR) {
            InterfaceAddress a = RtNetlink.parseAddress(msg);
            if (a != null && a.interfaceIndex() == index) {
                report(new InterfaceChange(type == RtNetlink.RTM_NEWADDR ? InterfaceChange.Kind.ADDRESS_ADDED
                        : InterfaceChange.Kind.ADDRESS_REMOVED, a.address()));
            }
        } else if (type == RtNetlink.RTM_NEWLINK || type == RtNetlink.RTM_DELLINK) {
            LinkInfo link = RtNetlink.parseLink(msg);
            if (!link.name().equals(name) && link.index() != index) {
                return;
            }
            if (type == RtNetlink.RTM_DELLINK && link.index() == index) {
                running = false;
                report(new InterfaceChange(InterfaceChange.Kind.INTERFACE_REMOVED, null));
                return;
            }
            if (type == RtNetlink.RTM_NEWLINK && link.name().equals(name)) {
                index = link.index(); // re-created interfaces get a new index
            }
            boolean now = type == RtNetlink.RTM_NEWLINK && isRunning(link.flags());
            if (now != running) {
                running = now;
                if (now) {
                    forgetUnresolvedNeighbours();
                }
                report(new InterfaceChange(now ? InterfaceChange.Kind.LINK_UP : InterfaceChange.Kind.LINK_DOWN, null));
            }
        }
    }

    /**
     * The carrier is back: what was sent while it was down left neighbour entries waiting for an answer, whose next
     * ARP or NDP probe is up to retrans_time (1 s) away, and a new connection's first packet waits behind it (measured
     * in the lab: etcd reachable 318 ms after the link, the lease running out meanwhile). Without them, that packet
     * asks at once. Done before the subscribers hear of the link, so nothing they send is queued on an entry that
     * goes.
     */
    private void forgetUnresolvedNeighbours() {
        try {
            long start = System.nanoTime();
            int forgotten = requests.forgetUnresolvedNeighbours(index);
            if (forgotten > 0) {
                LOG.info("interface {}: the link is back; forgot {} neighbour entr{} still waiting for an ARP/NDP "
                        + "answer, so the next packet to them asks at once ({} us)", name, forgotten,
                        forgotten == 1 ? "y" : "ies", (System.nanoTime() - start) / 1_000);
            }
        } catch (IOException e) {
            LOG.warn("interface {}: the link is back, but its unresolved neighbour entries could not be cleared ({}); "
                    + "traffic to them resumes at the kernel's next probe, up to a second later", name, e.getMessage());
        }
    }

    private void report(InterfaceChange change) {
        for (Consumer<InterfaceChange> s : subscribers) {
            try {
                s.accept(change);
            } catch (RuntimeException e) {
                LOG.error("interface {}: a listener of its changes failed on {}", name, change, e);
            }
        }
    }

    private static boolean isRunning(int flags) {
        return (flags & LinkInfo.IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
    }

    /** How many monitors run now, for tests. */
    static int running() {
        synchronized (SHARED) {
            return SHARED.size();
        }
    }
}
