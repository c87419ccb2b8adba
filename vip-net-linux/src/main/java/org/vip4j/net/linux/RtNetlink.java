package org.vip4j.net.linux;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rtnetlink requests vip4j makes: look up a link, list, add and delete addresses, forget unresolved neighbours.
 * Raw results (errno values) go back to the caller, which knows which of them are harmless.
 */
final class RtNetlink implements AutoCloseable {

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_DELNEIGH = 29;
    static final int RTM_GETNEIGH = 30;
    static final int NDA_DST = 1;
    /** Neighbour states still waiting for an answer (NUD_INCOMPLETE) or given up on (NUD_FAILED). */
    static final int NUD_UNRESOLVED = 0x01 | 0x20;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    /** Skip duplicate address detection: the VIP must work at once; vip4j probes for conflicts itself. */
    static final int IFA_F_NODAD = 0x02;

    private final NetlinkSocket socket;

    private RtNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    static RtNetlink open(Duration timeout) throws NativeException {
        return new RtNetlink(NetlinkSocket.open(timeout));
    }

    /**
     * RTM_GETLINK by name (IFLA_IFNAME), answered with one RTM_NEWLINK.
     *
     * @throws NativeException with ENODEV when there is no such interface
     */
    LinkInfo link(String name) throws IOException {
        byte[] nameZ = Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), name.length() + 1); // NUL-terminated
        byte[] request = new NetlinkMessage(RTM_GETLINK, NetlinkSocket.NLM_F_REQUEST)
                .ifinfomsg(0).attribute(IFLA_IFNAME, nameZ).bytes();
        LinkInfo[] found = new LinkInfo[1];
        int errno = socket.transact(request, (type, msg) -> {
            if (type == RTM_NEWLINK) {
                found[0] = parseLink(msg);
            }
        });
        if (errno != 0) {
            throw new NativeException("looking up interface " + name, errno);
        }
        if (found[0] == null) {
            throw new IOException("the kernel answered a lookup of interface " + name + " without a link message");
        }
        return found[0];
    }

    /** RTM_GETLINK dump: the names of every interface in this network namespace, with or without addresses. */
    List<String> linkNames() throws IOException {
        byte[] request = new NetlinkMessage(RTM_GETLINK, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP)
                .ifinfomsg(0).bytes();
        List<String> names = new ArrayList<>();
        int errno = socket.transact(request, (type, msg) -> {
            if (type == RTM_NEWLINK) {
                names.add(parseLink(msg).name());
            }
        });
        if (errno != 0) {
            throw new NativeException("listing interfaces", errno);
        }
        return names;
    }

    /** RTM_GETADDR dump of one family, filtered to one interface here (the kernel's dump ignores the index). */
    List<InterfaceAddress> addresses(int family, int index) throws IOException {
        byte[] request = new NetlinkMessage(RTM_GETADDR, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP)
                .ifaddrmsg(family, 0, 0, 0).bytes();
        List<InterfaceAddress> result = new ArrayList<>();
        int errno = socket.transact(request, (type, msg) -> {
            if (type == RTM_NEWADDR) {
                InterfaceAddress a = parseAddress(msg);
                if (a != null && a.interfaceIndex() == index) {
                    result.add(a);
                }
            }
        });
        if (errno != 0) {
            throw new NativeException("listing addresses of interface index " + index, errno);
        }
        return result;
    }

    /**
     * Deletes the neighbour entries (ARP and NDP) of interface {@code index} that are still being resolved or failed;
     * returns how many went. Packets queued on them go too: the caller must not have sent any it cares about yet.
     */
    int forgetUnresolvedNeighbours(int index) throws IOException {
        return forgetUnresolvedNeighbours(index, true);
    }

    /**
     * With {@code delete} false, only counts them: run once when a monitor starts, so that the first link-up of the
     * process does not pay for loading and linking this path (measured: 10.8 ms cold, 0.3-0.5 ms after), which
     * would delay the re-announcement behind it.
     */
    int forgetUnresolvedNeighbours(int index, boolean delete) throws IOException {
        byte[] dump = new NetlinkMessage(RTM_GETNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_DUMP)
                .ndmsg(0, index).bytes();
        List<byte[]> requests = new ArrayList<>();
        int errno = socket.transact(dump, (type, msg) -> {
            int family = msg.get(NetlinkSocket.HEADER) & 0xff;
            int state = msg.getShort(NetlinkSocket.HEADER + 8) & 0xffff;
            if (msg.getInt(NetlinkSocket.HEADER + 4) != index || (state & NUD_UNRESOLVED) == 0) {
                return;
            }
            NetlinkMessage.forEachAttribute(msg, NetlinkSocket.HEADER + NetlinkMessage.NDMSG, (attr, p) -> {
                if (attr == NDA_DST) {
                    requests.add(new NetlinkMessage(RTM_DELNEIGH, NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK)
                            .ndmsg(family, index).attribute(NDA_DST, bytes(p)).bytes());
                }
            });
        });
        if (errno != 0) {
            throw new NativeException("listing the neighbours of interface index " + index, errno);
        }
        if (!delete) {
            return requests.size();
        }
        int deleted = 0;
        for (byte[] r : requests) {
            if (socket.transact(r, ignore()) == 0) {
                deleted++; // ENOENT: resolved or gone meanwhile, which is as good
            }
        }
        return deleted;
    }

    /** RTM_NEWADDR with NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK; returns 0 or the kernel's errno (EEXIST if present). */
    int addAddress(InetAddress address, int prefixLength, int index) throws IOException {
        return socket.transact(addressRequest(RTM_NEWADDR,
                NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL, address, prefixLength, index), ignore());
    }

    /** RTM_DELADDR with NLM_F_ACK; returns 0 or the kernel's errno (EADDRNOTAVAIL if absent). */
    int deleteAddress(InetAddress address, int prefixLength, int index) throws IOException {
        return socket.transact(addressRequest(RTM_DELADDR, 0, address, prefixLength, index), ignore());
    }

    /**
     * IPv4 carries the address as IFA_LOCAL (and IFA_ADDRESS, the peer, equal to it on add). On delete only IFA_LOCAL
     * is sent, so the kernel matches the address whatever its prefix length. IPv6 uses IFA_ADDRESS alone and the
     * kernel matches address and prefix length.
     */
    private static byte[] addressRequest(int type, int extraFlags, InetAddress address, int prefixLength,
            int index) {
        boolean v4 = address instanceof Inet4Address;
        int flags = NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK | extraFlags;
        NetlinkMessage m = new NetlinkMessage(type, flags)
                .ifaddrmsg(v4 ? LibC.AF_INET : LibC.AF_INET6, prefixLength, v4 ? 0 : IFA_F_NODAD, index);
        byte[] raw = address.getAddress(); // network byte order
        if (v4) {
            m.attribute(IFA_LOCAL, raw);
            if (type == RTM_NEWADDR) {
                m.attribute(IFA_ADDRESS, raw);
            }
        } else {
            m.attribute(IFA_ADDRESS, raw);
        }
        return m.bytes();
    }

    private static NetlinkSocket.Handler ignore() {
        return (type, msg) -> { };
    }

    /** ifinfomsg at offset 16: index at +4, flags at +8; attributes from offset 32. */
    static LinkInfo parseLink(ByteBuffer msg) {
        int index = msg.getInt(NetlinkSocket.HEADER + 4);
        int flags = msg.getInt(NetlinkSocket.HEADER + 8);
        String[] name = {""};
        byte[][] mac = {new byte[0]};
        NetlinkMessage.forEachAttribute(msg, NetlinkSocket.HEADER + NetlinkMessage.IFINFOMSG, (type, p) -> {
            if (type == IFLA_IFNAME) {
                byte[] b = bytes(p);
                int end = 0;
                while (end < b.length && b[end] != 0) {
                    end++;
                }
                name[0] = new String(b, 0, end, StandardCharsets.UTF_8);
            } else if (type == IFLA_ADDRESS) {
                mac[0] = bytes(p);
            }
        });
        return new LinkInfo(index, name[0], flags, mac[0]);
    }

    /**
     * ifaddrmsg at offset 16, attributes from offset 24. IFA_LOCAL is the interface's own address when present
     * (IPv4, and IPv6 point-to-point); otherwise IFA_ADDRESS is.
     */
    static InterfaceAddress parseAddress(ByteBuffer msg) throws IOException {
        int prefix = msg.get(NetlinkSocket.HEADER + 1) & 0xff;
        int index = msg.getInt(NetlinkSocket.HEADER + 4);
        byte[][] local = new byte[1][];
        byte[][] address = new byte[1][];
        NetlinkMessage.forEachAttribute(msg, NetlinkSocket.HEADER + NetlinkMessage.IFADDRMSG, (type, p) -> {
            if (type == IFA_LOCAL) {
                local[0] = bytes(p);
            } else if (type == IFA_ADDRESS) {
                address[0] = bytes(p);
            }
        });
        byte[] raw = local[0] != null ? local[0] : address[0];
        if (raw == null) {
            return null;
        }
        return new InterfaceAddress(InetAddress.getByAddress(raw), prefix, index);
    }

    private static byte[] bytes(ByteBuffer p) {
        byte[] b = new byte[p.remaining()];
        p.duplicate().get(b);
        return b;
    }

    @Override
    public void close() {
        socket.close();
    }
}
