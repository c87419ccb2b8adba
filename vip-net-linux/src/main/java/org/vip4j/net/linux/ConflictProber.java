package org.vip4j.net.linux;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Asks the segment whether another host owns an address: an RFC 5227 ARP probe for IPv4, a DAD-style neighbour
 * solicitation for IPv6, then listens until the timeout for an answer from a MAC that is not ours. The probe is
 * repeated at a third and two thirds of the timeout, so one lost frame does not hide an owner.
 */
final class ConflictProber {

    private ConflictProber() {
    }

    /**
     * @param socket a packet socket of this probe's own on the interface
     * @return "MAC aa:bb:cc:dd:ee:ff" of the first other host that claims {@code ip}
     */
    static Optional<String> probe(PacketSocket socket, byte[] ourMac, byte[] ip, Duration timeout)
            throws IOException {
        boolean v4 = ip.length == 4;
        int etherType = v4 ? ArpFrames.ETH_P_ARP : NdpFrames.ETH_P_IPV6;
        byte[] probe = v4 ? ArpFrames.probe(ourMac, ip) : NdpFrames.duplicateAddressProbe(ourMac, ip);
        long start = System.nanoTime();
        long total = Math.max(1, timeout.toNanos());
        long deadline = start + total;
        socket.listen(etherType);
        try {
            for (int round = 0; round < 3; round++) {
                socket.send(probe, etherType);
                long roundEnd = round == 2 ? deadline : start + total * (round + 1) / 3;
                Optional<String> owner = listen(socket, ourMac, ip, v4, roundEnd);
                if (owner.isPresent()) {
                    return owner;
                }
            }
            return Optional.empty();
        } finally {
            socket.stopListening();
        }
    }

    private static Optional<String> listen(PacketSocket socket, byte[] ourMac, byte[] ip, boolean v4, long until)
            throws IOException {
        while (true) {
            int length = socket.receive(until);
            if (length < 0) {
                return Optional.empty();
            }
            byte[] mac = v4 ? ArpFrames.senderClaiming(socket.frame(), length, ip)
                    : NdpFrames.advertiserOf(socket.frame(), length, ip);
            // our own probe and announcements come back to the socket as outgoing frames: same MAC, ignored
            if (mac != null && !Arrays.equals(mac, ourMac)) {
                return Optional.of("MAC " + Macs.format(mac));
            }
        }
    }
}
