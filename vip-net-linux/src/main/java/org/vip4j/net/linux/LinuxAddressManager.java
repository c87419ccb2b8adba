package org.vip4j.net.linux;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.InterfaceChange;
import org.vip4j.spi.Subscription;

/**
 * The {@code basic} address manager: rtnetlink for the address, AF_PACKET frames for ARP and neighbour discovery,
 * no subprocesses. One serves every VIP on its interface: one netlink socket and one packet socket for sending;
 * a probe or a successor watch listens on a packet socket of its own while it runs. All sockets belong to the
 * network namespace of the thread that called {@link #open}. Thread-safe.
 */
final class LinuxAddressManager implements AddressManager {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxAddressManager.class);

    private final String interfaceName;
    private final RtNetlink netlink;
    private final AddressDumps dumps;
    private final Announcer announcer;
    /** Guards link and packets, replaced together when the interface changes. */
    private final Object lock = new Object();
    private LinkInfo link;
    private PacketSocket packets;
    private volatile boolean closed;

    private LinuxAddressManager(String interfaceName, RtNetlink netlink, LinkInfo link, PacketSocket packets,
            List<Duration> schedule) {
        this.interfaceName = interfaceName;
        this.netlink = netlink;
        this.dumps = new AddressDumps(netlink);
        this.link = link;
        this.packets = packets;
        this.announcer = new Announcer(schedule);
    }

    /**
     * Checks capabilities and the interface, then opens the sockets.
     *
     * @param timeout bound on every wait for the kernel's answer to a netlink request
     * @throws IllegalStateException naming what is missing: a capability, the interface, its link state
     */
    static LinuxAddressManager open(String interfaceName, Duration timeout, List<Duration> schedule) {
        Capabilities.require();
        RtNetlink netlink = null;
        PacketSocket packets = null;
        try {
            netlink = RtNetlink.open(timeout);
            LinkInfo link = checkedLink(netlink, interfaceName);
            packets = PacketSocket.open(link.index());
            LOG.info("address manager ready on interface {} (index {}, MAC {})", interfaceName, link.index(),
                    link.macText());
            LinuxAddressManager manager = new LinuxAddressManager(interfaceName, netlink, link, packets, schedule);
            manager.warmUp();
            return manager;
        } catch (IOException | RuntimeException e) {
            if (packets != null) {
                packets.close();
            }
            if (netlink != null) {
                netlink.close();
            }
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("cannot prepare interface " + interfaceName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the announcement path once without sending anything: builds each kind of frame and arms and cancels a
     * burst with a round that sends nothing, so the announcer's thread exists and its classes are loaded before the
     * first failover. Measured in the Patroni lab: a node's first announcement came up to 48 ms after its add on a
     * cold, busy JVM, and the handover's old holder waits for that announcement.
     */
    private void warmUp() throws IOException {
        byte[] mac = link.mac();
        ArpFrames.announcement(ArpFrames.REQUEST, mac, new byte[4]);
        ArpFrames.announcement(ArpFrames.REPLY, mac, new byte[4]);
        ArpFrames.probe(mac, new byte[4]);
        NdpFrames.unsolicitedAdvertisement(mac, new byte[16]);
        NdpFrames.duplicateAddressProbe(mac, new byte[16]);
        InetAddress placeholder = InetAddress.getByAddress(new byte[4]);
        announcer.announce(placeholder, repeat -> { });
        announcer.cancel(placeholder);
    }

    private static LinkInfo checkedLink(RtNetlink netlink, String name) throws IOException {
        LinkInfo link;
        try {
            link = netlink.link(name);
        } catch (NativeException e) {
            if (e.errno() == Errno.ENODEV) {
                throw new IllegalStateException("interface " + name + " does not exist (in this network namespace);"
                        + " check the 'interface' setting against `ip link`", e);
            }
            throw e;
        }
        if (!link.isUp()) {
            throw new IllegalStateException("interface " + name + " is down; bring it up (`ip link set " + name
                    + " up`) before starting vip4j");
        }
        if (link.mac().length != 6) {
            throw new IllegalStateException("interface " + name + " has no Ethernet address (" + link.mac().length
                    + "-byte hardware address), so ARP and neighbour discovery cannot announce the VIP on it");
        }
        return link;
    }

    @Override
    public boolean isPresent(VirtualAddress vip) throws IOException {
        return find(vip, 0).isPresent();
    }

    @Override
    public boolean isPresent(VirtualAddress vip, Duration maxAge) throws IOException {
        return find(vip, maxAge.toNanos()).isPresent();
    }

    private Optional<InterfaceAddress> find(VirtualAddress vip) throws IOException {
        return find(vip, 0);
    }

    /** The interface's entry for exactly this address (byte-for-byte equal, whatever its prefix length). */
    private Optional<InterfaceAddress> find(VirtualAddress vip, long maxAgeNanos) throws IOException {
        check(vip);
        int index = currentLink().index();
        List<InterfaceAddress> addresses = dumps.addresses(family(vip), index, maxAgeNanos);
        if (addresses.isEmpty()) {
            // no address at all: the interface may have none, or no longer exist (a dump for a dead index is just
            // empty). Look it up: ENODEV when it was deleted, a new index when it was created again. Only then:
            // a lookup on every check of an absent VIP doubled the handover time in RapidSwitchesIT (p50 13 -> 23 ms)
            LinkInfo fresh = refreshLink();
            if (fresh.index() != index) {
                addresses = dumps.addresses(family(vip), fresh.index(), 0);
            }
        }
        byte[] wanted = vip.address().getAddress();
        for (InterfaceAddress a : addresses) {
            if (Arrays.equals(a.address().getAddress(), wanted)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    @Override
    public void add(VirtualAddress vip) throws IOException {
        check(vip);
        try {
            addAddress(vip);
        } finally {
            dumps.invalidate(); // whatever happened: no earlier look answers the reconcile any more
        }
    }

    private void addAddress(VirtualAddress vip) throws IOException {
        int errno = netlink.addAddress(vip.address(), vip.prefixLength(), currentLink().index());
        if (errno == Errno.ENODEV) {
            try {
                errno = netlink.addAddress(vip.address(), vip.prefixLength(), refreshLink().index());
            } catch (NativeException e) {
                if (e.errno() != Errno.ENODEV) {
                    throw e;
                }
            }
        }
        if (errno == Errno.EEXIST) {
            LOG.debug("{} was already on {}", vip.cidr(), interfaceName);
        } else if (errno != 0) {
            throw new NativeException("adding " + vip.cidr() + " to interface " + interfaceName, errno);
        }
    }

    @Override
    public void remove(VirtualAddress vip) throws IOException {
        check(vip);
        announcer.cancel(vip.address()); // never announce an address we no longer hold
        try {
            removeAddress(vip);
        } finally {
            dumps.invalidate();
        }
    }

    private void removeAddress(VirtualAddress vip) throws IOException {
        int errno = netlink.deleteAddress(vip.address(), vip.prefixLength(), currentLink().index());
        if (errno == Errno.ENODEV) {
            try {
                errno = netlink.deleteAddress(vip.address(), vip.prefixLength(), refreshLink().index());
            } catch (NativeException e) {
                if (e.errno() != Errno.ENODEV) {
                    throw e;
                }
                LOG.warn("interface {} is gone, so {} is not on it", interfaceName, vip.cidr());
                return;
            }
        }
        if (errno == Errno.EADDRNOTAVAIL && vip.isIpv6()) {
            // IPv6 deletes match the prefix length too: someone may have added the VIP with another one
            Optional<InterfaceAddress> other = find(vip);
            if (other.isPresent()) {
                LOG.warn("{} is on {} as {}; removing that", vip.cidr(), interfaceName, other.get().cidr());
                errno = netlink.deleteAddress(vip.address(), other.get().prefixLength(), currentLink().index());
            }
        }
        if (errno != 0 && errno != Errno.EADDRNOTAVAIL) {
            throw new NativeException("removing " + vip.cidr() + " from interface " + interfaceName, errno);
        }
    }

    @Override
    public void announce(VirtualAddress vip) throws IOException {
        check(vip);
        InetAddress address = vip.address();
        announcer.announce(address, repeat -> sendRound(address, repeat));
    }

    /**
     * One announcement round: ARP request and reply forms for IPv4, one unsolicited NA for IPv6. The first round
     * uses the MAC read earlier, to be fast; the repeats read the link again (about 10 µs, on the announcer's
     * thread), so a MAC that changed meanwhile (a bond failing over) is what the later rounds announce.
     */
    private void sendRound(InetAddress address, boolean repeat) throws IOException {
        byte[] ip = address.getAddress();
        if (repeat) {
            refreshLink();
        }
        try {
            sendFrames(ip);
        } catch (NativeException e) {
            if (e.errno() != Errno.ENXIO && e.errno() != Errno.ENODEV) {
                throw announceFailed(address, e);
            }
            refreshLink(); // the interface was re-created under us; its index changed
            try {
                sendFrames(ip);
            } catch (NativeException again) {
                throw announceFailed(address, again);
            }
        }
    }

    /** Restates a send error with the address and interface name (the socket only knows the index). */
    private NativeException announceFailed(InetAddress address, NativeException e) {
        NativeException named = new NativeException("announcing " + address.getHostAddress() + " on interface "
                + interfaceName, e.errno());
        named.initCause(e);
        return named;
    }

    private void sendFrames(byte[] ip) throws NativeException {
        PacketSocket socket;
        byte[] mac;
        synchronized (lock) {
            socket = packets;
            mac = link.mac();
        }
        if (ip.length == 4) {
            socket.send(ArpFrames.announcement(ArpFrames.REQUEST, mac, ip), ArpFrames.ETH_P_ARP);
            socket.send(ArpFrames.announcement(ArpFrames.REPLY, mac, ip), ArpFrames.ETH_P_ARP);
        } else {
            socket.send(NdpFrames.unsolicitedAdvertisement(mac, ip), NdpFrames.ETH_P_IPV6);
        }
    }

    /**
     * Listens on a packet socket of its own, so probes of many VIPs on this interface run side by side (and beside
     * the successor watches of handovers); the socket exists only for the probe.
     */
    @Override
    public Optional<String> probeConflict(VirtualAddress vip, Duration timeout) throws IOException {
        check(vip);
        Optional<String> owner;
        try {
            owner = probeOnce(vip, timeout);
        } catch (NativeException e) {
            if (e.errno() != Errno.ENODEV && e.errno() != Errno.ENXIO) {
                throw e;
            }
            // the interface was deleted under us: look it up again (ENODEV if it is still gone) and probe on the
            // new one
            refreshLink();
            owner = probeOnce(vip, timeout);
        }
        owner.ifPresent(o -> LOG.debug("{} answers for {} on {}", o, vip.address().getHostAddress(), interfaceName));
        return owner;
    }

    private Optional<String> probeOnce(VirtualAddress vip, Duration timeout) throws IOException {
        LinkInfo current = currentLink();
        try (PacketSocket socket = PacketSocket.open(current.index())) {
            return ConflictProber.probe(socket, current.mac(), vip.address().getAddress(), timeout);
        }
    }

    @Override
    public Subscription watchForClaim(VirtualAddress vip, Duration every, Consumer<String> onClaim) {
        try {
            check(vip);
        } catch (IOException e) {
            LOG.warn("not listening for the next holder of {}: {}", vip.address().getHostAddress(), e.getMessage());
            return () -> { };
        }
        LinkInfo current = currentLink();
        String what = vip.address().getHostAddress() + " on " + interfaceName;
        try {
            return ClaimListener.start(current.index(), current.mac(), vip.address().getAddress(), every, what,
                    onClaim);
        } catch (NativeException e) {
            LOG.warn("not listening for the next holder of {}: {}", what, e.getMessage());
            return () -> { };
        }
    }

    @Override
    public Subscription watchInterface(String name, Consumer<InterfaceChange> onChange) {
        if (!name.equals(interfaceName)) {
            throw new IllegalArgumentException("this address manager serves interface " + interfaceName + ", not "
                    + name);
        }
        try {
            return InterfaceMonitor.subscribe(interfaceName, refreshLink(), onChange);
        } catch (IOException e) {
            LOG.warn("interface {}: cannot follow its changes ({}); the interval check still runs", interfaceName,
                    e.getMessage());
            return () -> { };
        }
    }

    private LinkInfo currentLink() {
        synchronized (lock) {
            return link;
        }
    }

    /** Looks the interface up again; if its index changed, re-opens the packet socket on the new one. */
    private LinkInfo refreshLink() throws IOException {
        synchronized (lock) {
            LinkInfo fresh = netlink.link(interfaceName);
            if (fresh.index() == link.index() && !Arrays.equals(fresh.mac(), link.mac())) {
                LOG.warn("interface {} changed its MAC from {} to {}; announcing the new one", interfaceName,
                        link.macText(), fresh.macText());
            }
            if (fresh.index() != link.index()) {
                LOG.info("interface {} was re-created: index {} -> {}, MAC {}", interfaceName, link.index(),
                        fresh.index(), fresh.macText());
                PacketSocket reopened = PacketSocket.open(fresh.index());
                packets.close();
                packets = reopened;
            }
            link = fresh;
            return fresh;
        }
    }

    private void check(VirtualAddress vip) throws IOException {
        if (closed) {
            throw new IOException("address manager for " + interfaceName + " is closed");
        }
        if (!vip.interfaceName().equals(interfaceName)) {
            throw new IllegalArgumentException("this address manager serves interface " + interfaceName + ", not "
                    + vip.interfaceName());
        }
    }

    private static int family(VirtualAddress vip) {
        return vip.isIpv6() ? LibC.AF_INET6 : LibC.AF_INET;
    }

    /** Bursts still being sent; for tests. */
    int activeBursts() {
        return announcer.activeBursts();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        announcer.close();
        synchronized (lock) {
            packets.close();
        }
        netlink.close();
    }
}
