package org.vip4j.net.linux;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Ethernet frames carrying ARP (RFC 826), as written to and read from an AF_PACKET SOCK_RAW socket. All fields
 * are big-endian (network order):
 * <pre>
 * offset  size  field
 *  0       6    Ethernet destination (ff:ff:ff:ff:ff:ff: broadcast)
 *  6       6    Ethernet source (our MAC)
 * 12       2    EtherType 0x0806 (ARP)
 * 14       2    hardware type 1 (Ethernet)
 * 16       2    protocol type 0x0800 (IPv4)
 * 18       1    hardware address length 6
 * 19       1    protocol address length 4
 * 20       2    operation: 1 request, 2 reply
 * 22       6    sender hardware address (sha)
 * 28       4    sender protocol address (spa)
 * 32       6    target hardware address (tha)
 * 38       4    target protocol address (tpa)
 * 42      18    zero padding up to Ethernet's 60-byte minimum (veth and bridges do not pad for us)
 * </pre>
 */
final class ArpFrames {

    static final int ETH_P_ARP = 0x0806;
    static final int REQUEST = 1;
    static final int REPLY = 2;
    static final int FRAME_LENGTH = 60;
    private static final int ARP_END = 42;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static final byte[] ZERO_MAC = new byte[6];
    private static final byte[] ZERO_IP = new byte[4];

    private ArpFrames() {
    }

    /**
     * A gratuitous ARP: sender and target protocol address both the VIP, broadcast. The request form has a zero
     * target MAC (RFC 5227 "ARP Announcement"); the reply form names our own MAC there, as arping -A does. Hosts
     * differ in which form updates their cache, so we send both.
     */
    static byte[] announcement(int operation, byte[] mac, byte[] ip) {
        return frame(operation, mac, ip, operation == REPLY ? mac : ZERO_MAC, ip);
    }

    /**
     * A gratuitous ARP sent by us on behalf of {@code owner}, which holds {@code ip} but may not have told the
     * segment yet (its unicast answer to our probe reached only us). The ARP sender is the owner, so caches point at
     * it; the Ethernet source stays ours, so no switch learns the owner's MAC on our port.
     */
    static byte[] announcementFor(int operation, byte[] ourMac, byte[] owner, byte[] ip) {
        return frame(operation, ourMac, owner, ip, operation == REPLY ? owner : ZERO_MAC, ip);
    }

    /** An RFC 5227 probe: "who has ip?" from sender address 0.0.0.0, so no host updates its cache from it. */
    static byte[] probe(byte[] mac, byte[] ip) {
        return frame(REQUEST, mac, ZERO_IP, ZERO_MAC, ip);
    }

    private static byte[] frame(int operation, byte[] sha, byte[] spa, byte[] tha, byte[] tpa) {
        return frame(operation, sha, sha, spa, tha, tpa);
    }

    private static byte[] frame(int operation, byte[] ethernetSource, byte[] sha, byte[] spa, byte[] tha, byte[] tpa) {
        ByteBuffer b = ByteBuffer.allocate(FRAME_LENGTH); // big-endian by default
        b.put(BROADCAST).put(ethernetSource).putShort((short) ETH_P_ARP);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) operation);
        b.put(sha).put(spa).put(tha).put(tpa);
        return b.array();
    }

    /**
     * The sender MAC of an Ethernet/IPv4 ARP frame whose sender protocol address is {@code ip} (a reply to our
     * probe, or anybody else announcing or using that address), or null for any other frame.
     *
     * @param frame a received frame from position 0 to {@code length}
     */
    static byte[] senderClaiming(ByteBuffer frame, int length, byte[] ip) {
        if (length < ARP_END
                || (frame.getShort(12) & 0xffff) != ETH_P_ARP
                || frame.getShort(14) != 1
                || (frame.getShort(16) & 0xffff) != 0x0800
                || frame.get(18) != 6
                || frame.get(19) != 4) {
            return null;
        }
        byte[] spa = new byte[4];
        frame.get(28, spa);
        if (!Arrays.equals(spa, ip)) {
            return null;
        }
        byte[] sha = new byte[6];
        frame.get(22, sha);
        return sha;
    }
}
