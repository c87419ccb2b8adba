package org.vip4j.net.linux;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Ethernet frames carrying IPv6 neighbour discovery (RFC 4861) for an AF_PACKET SOCK_RAW socket. Big-endian
 * throughout:
 * <pre>
 * offset  size  field
 *  0       6    Ethernet destination: 33:33 + low 32 bits of the IPv6 destination (RFC 2464 multicast mapping)
 *  6       6    Ethernet source (our MAC)
 * 12       2    EtherType 0x86dd (IPv6)
 * 14       4    version 6, traffic class 0, flow label 0: 0x60000000
 * 18       2    payload length (ICMPv6 message length)
 * 20       1    next header 58 (ICMPv6)
 * 21       1    hop limit 255: receivers drop ND messages with any other value, proving they were not routed
 * 22      16    source address
 * 38      16    destination address
 * 54       1    ICMPv6 type: 135 neighbour solicitation, 136 neighbour advertisement
 * 55       1    code 0
 * 56       2    checksum over the pseudo-header (see {@link #checksum}) and the ICMPv6 message
 * 58       4    NA: flags R(0x80000000) S(0x40000000) O(0x20000000); NS: reserved 0
 * 62      16    target address
 * 78       8    NA only: option type 2 (target link-layer address), length 1 (unit 8 bytes), our MAC
 * </pre>
 */
final class NdpFrames {

    static final int ETH_P_IPV6 = 0x86dd;
    static final int NEIGHBOR_SOLICITATION = 135;
    static final int NEIGHBOR_ADVERTISEMENT = 136;
    private static final int OVERRIDE = 0x20000000;
    private static final int ICMP_OFFSET = 54;
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] UNSPECIFIED = new byte[16];

    private NdpFrames() {
    }

    /**
     * Unsolicited NA: source and target the VIP, to all-nodes ff02::1, override flag set (replace cached entries),
     * solicited flag clear, our MAC in the target link-layer address option.
     */
    static byte[] unsolicitedAdvertisement(byte[] mac, byte[] ip) {
        ByteBuffer icmp = ByteBuffer.allocate(32);
        icmp.put((byte) NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0).putInt(OVERRIDE).put(ip);
        icmp.put((byte) 2).put((byte) 1).put(mac);
        return frame(mac, ip, ALL_NODES, icmp.array());
    }

    /**
     * DAD-style NS (RFC 4862 5.4.2): from the unspecified address ::, so nobody caches us, to the target's
     * solicited-node group ff02::1:ffXX:XXXX; an owner answers with an NA to ff02::1.
     */
    static byte[] duplicateAddressProbe(byte[] mac, byte[] ip) {
        byte[] group = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff, ip[13], ip[14], ip[15]};
        ByteBuffer icmp = ByteBuffer.allocate(24);
        icmp.put((byte) NEIGHBOR_SOLICITATION).put((byte) 0).putShort((short) 0).putInt(0).put(ip);
        return frame(mac, UNSPECIFIED, group, icmp.array());
    }

    private static byte[] frame(byte[] mac, byte[] src, byte[] dst, byte[] icmp) {
        short sum = checksum(src, dst, icmp);
        icmp[2] = (byte) (sum >> 8);
        icmp[3] = (byte) sum;
        ByteBuffer b = ByteBuffer.allocate(ICMP_OFFSET + icmp.length);
        b.put((byte) 0x33).put((byte) 0x33).put(dst, 12, 4).put(mac).putShort((short) ETH_P_IPV6);
        b.putInt(0x60000000).putShort((short) icmp.length).put((byte) 58).put((byte) 255).put(src).put(dst);
        b.put(icmp);
        return b.array();
    }

    /**
     * The Internet checksum (RFC 1071) over the IPv6 pseudo-header (RFC 8200 8.1: source, destination, 32-bit
     * upper-layer length, three zero bytes, next header 58) followed by the ICMPv6 message with its checksum field
     * zero: the one's complement of the one's-complement sum of 16-bit big-endian words.
     */
    static short checksum(byte[] src, byte[] dst, byte[] icmp) {
        long sum = sumWords(src) + sumWords(dst) + icmp.length + 58 + sumWords(icmp);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }

    private static long sumWords(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if ((data.length & 1) != 0) {
            sum += (data[data.length - 1] & 0xff) << 8;
        }
        return sum;
    }

    /**
     * The Ethernet source MAC of a neighbour advertisement for {@code ip} (no extension headers), or null for any
     * other frame.
     */
    static byte[] advertiserOf(ByteBuffer frame, int length, byte[] ip) {
        if (length < ICMP_OFFSET + 24
                || (frame.getShort(12) & 0xffff) != ETH_P_IPV6
                || frame.get(20) != 58
                || (frame.get(ICMP_OFFSET) & 0xff) != NEIGHBOR_ADVERTISEMENT) {
            return null;
        }
        byte[] target = new byte[16];
        frame.get(ICMP_OFFSET + 8, target);
        if (!Arrays.equals(target, ip)) {
            return null;
        }
        byte[] mac = new byte[6];
        frame.get(6, mac);
        return mac;
    }
}
