package org.vip4j.net.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds one rtnetlink request: nlmsghdr, a fixed family header, then attributes. Host byte order throughout,
 * except attribute payloads that are addresses (network order, as {@link java.net.InetAddress#getAddress()}
 * returns them).
 *
 * <pre>
 * struct ifaddrmsg {         // 8 bytes, follows nlmsghdr in RTM_{NEW,DEL,GET}ADDR
 *     __u8  ifa_family;      // AF_INET / AF_INET6
 *     __u8  ifa_prefixlen;
 *     __u8  ifa_flags;       // IFA_F_*: we set IFA_F_NODAD for IPv6
 *     __u8  ifa_scope;       // RT_SCOPE_UNIVERSE = 0
 *     __u32 ifa_index;       // interface index
 * };
 * struct ifinfomsg {         // 16 bytes, follows nlmsghdr in RTM_{NEW,GET}LINK
 *     __u8  ifi_family;      // AF_UNSPEC
 *     __u8  pad;
 *     __u16 ifi_type;        // ARPHRD_*
 *     __s32 ifi_index;
 *     __u32 ifi_flags;       // IFF_*: IFF_UP = 0x1
 *     __u32 ifi_change;
 * };
 * struct rtattr {            // 4-byte header, then payload, then padding to RTA_ALIGN (4)
 *     __u16 rta_len;         // header plus payload, without the padding
 *     __u16 rta_type;        // IFA_* / IFLA_*
 * };
 * </pre>
 * Both fixed headers are multiples of 4 bytes, so the first attribute starts right after them.
 */
final class NetlinkMessage {

    static final int IFADDRMSG = 8;
    static final int IFINFOMSG = 16;
    /** struct ndmsg: family, padding, ifindex, state, flags, type. */
    static final int NDMSG = 12;

    private ByteBuffer buf = ByteBuffer.allocate(128).order(ByteOrder.nativeOrder());

    /** Starts a message; length and sequence number are filled in later (by {@link #bytes()} and the socket). */
    NetlinkMessage(int type, int flags) {
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    }

    NetlinkMessage ifaddrmsg(int family, int prefixLength, int flags, int index) {
        buf.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) 0).putInt(index);
        return this;
    }

    NetlinkMessage ifinfomsg(int index) {
        buf.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(0).putInt(0);
        return this;
    }

    NetlinkMessage ndmsg(int family, int index) {
        buf.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putShort((short) 0).put((byte) 0)
                .put((byte) 0);
        return this;
    }

    NetlinkMessage attribute(int type, byte[] payload) {
        int len = 4 + payload.length;
        ensure(NetlinkSocket.align(len));
        buf.putShort((short) len).putShort((short) type).put(payload);
        buf.position(buf.position() + NetlinkSocket.align(len) - len);
        return this;
    }

    /** The finished message with nlmsg_len set. */
    byte[] bytes() {
        buf.putInt(0, buf.position());
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2 + more).order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    /** Receives attributes of a message in arrival order; {@code payload} is positioned on the attribute's data. */
    interface AttributeVisitor {
        void visit(int type, ByteBuffer payload);
    }

    /** Walks the rtattrs of {@code message} (one nlmsghdr + payload) that start at {@code offset}. */
    static void forEachAttribute(ByteBuffer message, int offset, AttributeVisitor visitor) {
        int off = offset;
        int end = message.limit();
        while (off + 4 <= end) {
            int len = message.getShort(off) & 0xffff;
            int type = message.getShort(off + 2) & 0xffff;
            if (len < 4 || off + len > end) {
                return; // a truncated attribute ends the walk, as RTA_OK does
            }
            visitor.visit(type, message.slice(off + 4, len - 4));
            off += NetlinkSocket.align(len);
        }
    }
}
