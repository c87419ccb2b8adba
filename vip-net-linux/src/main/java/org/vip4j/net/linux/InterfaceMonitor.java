package org.vip4j.net.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
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
 * <p>The thread blocks in recvfrom with a one-second timeout, which only bounds how long it takes to notice
 * {@link #close()}; it closes the socket itself, so its file descriptor cannot be reused under it.
 */
final class InterfaceMonitor implements Subscription {

    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    /** IFF_RUNNING: up and with a carrier, what {@code ip link} shows as LOWER_UP. */
    static final int IFF_RUNNING = 0x40;
    /** ENOBUFS: the kernel dropped notifications because our receive buffer was full. */
    private static final int ENOBUFS = 105;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(InterfaceMonitor.class);

    private final String name;
    private final NetlinkSocket socket;
    private final Consumer<InterfaceChange> onChange;
    private volatile boolean closed;
    private int index;
    private boolean running;

    private InterfaceMonitor(String name, LinkInfo link, NetlinkSocket socket, Consumer<InterfaceChange> onChange) {
        this.name = name;
        this.index = link.index();
        this.running = isRunning(link.flags());
        this.socket = socket;
        this.onChange = onChange;
    }

    /** Joins the groups and starts the thread; {@code link} is the interface as it is now. */
    static InterfaceMonitor start(String name, LinkInfo link, Consumer<InterfaceChange> onChange)
            throws NativeException {
        NetlinkSocket socket = NetlinkSocket.open(READ_TIMEOUT, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
        InterfaceMonitor m = new InterfaceMonitor(name, link, socket, onChange);
        Thread t = new Thread(m::run, "vip4j-ifmon-" + name);
        t.setDaemon(true);
        t.start();
        return m;
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
            socket.close();
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
            if (type == RtNetlink.RTM_NEWLINK && link.name().equals(name)) {
                index = link.index(); // re-created interfaces get a new index
            }
            boolean now = type == RtNetlink.RTM_NEWLINK && isRunning(link.flags());
            if (now != running) {
                running = now;
                report(new InterfaceChange(now ? InterfaceChange.Kind.LINK_UP : InterfaceChange.Kind.LINK_DOWN, null));
            }
        }
    }

    private void report(InterfaceChange change) {
        try {
            onChange.accept(change);
        } catch (RuntimeException e) {
            LOG.error("interface {}: the listener of its changes failed on {}", name, change, e);
        }
    }

    private static boolean isRunning(int flags) {
        return (flags & LinkInfo.IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}
