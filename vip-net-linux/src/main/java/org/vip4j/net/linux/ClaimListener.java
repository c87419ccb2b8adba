package org.vip4j.net.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.Subscription;

/**
 * {@link LinuxAddressManager#watchForClaim}: a packet socket of its own, bound to ARP (or IPv6) before the watch
 * returns and for the whole watch, so nothing falls into a gap, and one thread that probes every period and reports
 * the first claim by another host once the whole segment knows of it:
 * <ul>
 * <li>a claim sent to the segment (broadcast or multicast: the next holder's gratuitous ARP, its unsolicited NA, or
 * its kernel's defence against our duplicate-address probe, which IPv6 sends to all nodes) is reported at once;
 * <li>a unicast answer to our IPv4 probe means the next holder has the address, but only we heard it: its own
 * announcement may still be on its way (seen: 48 ms behind its add on a starved JVM) or may have gone out before we
 * listened (seen: our watch delivered the delete 145 ms late). Releasing then would leave clients sending to us
 * after we let go, and a SYN sent there waits for TCP's one-second retransmit. So we announce the VIP to the
 * segment on the next holder's behalf (ARP sender: its MAC; Ethernet source: ours), then report.
 * </ul>
 */
final class ClaimListener implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimListener.class);

    private final Thread thread;
    private volatile boolean closed;

    private ClaimListener(String name, Runnable body) {
        this.thread = new Thread(body, name);
        thread.setDaemon(true);
    }

    /**
     * Opens the watch's socket and starts listening on the caller's thread (the next holder may announce any moment
     * now), then probes and reads on the watch's own thread until a claim or {@link #close()}.
     */
    static ClaimListener start(int ifindex, byte[] ourMac, byte[] ip, Duration every, String what,
                               Consumer<String> onClaim) throws NativeException {
        boolean v4 = ip.length == 4;
        int etherType = v4 ? ArpFrames.ETH_P_ARP : NdpFrames.ETH_P_IPV6;
        PacketSocket socket = PacketSocket.open(ifindex);
        try {
            socket.listen(etherType);
        } catch (NativeException e) {
            socket.close();
            throw e;
        }
        ClaimListener[] self = new ClaimListener[1];
        self[0] = new ClaimListener("vip4j-claims-" + what, () -> self[0].run(socket, ourMac, ip, every, what,
                onClaim));
        self[0].thread.start();
        return self[0];
    }

    private void run(PacketSocket socket, byte[] ourMac, byte[] ip, Duration every, String what,
                     Consumer<String> onClaim) {
        boolean v4 = ip.length == 4;
        int etherType = v4 ? ArpFrames.ETH_P_ARP : NdpFrames.ETH_P_IPV6;
        byte[] probe = v4 ? ArpFrames.probe(ourMac, ip) : NdpFrames.duplicateAddressProbe(ourMac, ip);
        long period = Math.max(1, every.toNanos());
        try (socket) {
            while (!closed) {
                socket.send(probe, etherType);
                String owner = listen(socket, ourMac, ip, v4, System.nanoTime() + period);
                if (owner != null) {
                    if (!closed) {
                        LOG.debug("{} claims {}", owner, what);
                        onClaim.accept(owner);
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the handoff's grace deadline then ends it the slow way
            LOG.warn("listening for the next holder of {} failed: {}", what, e.getMessage());
        }
    }

    /** The claimant once the segment knows it (announcing on its behalf if need be), or null at {@code until}. */
    private static String listen(PacketSocket socket, byte[] ourMac, byte[] ip, boolean v4, long until)
            throws IOException {
        while (true) {
            int length = socket.receive(until);
            if (length < 0) {
                return null;
            }
            ByteBuffer frame = socket.frame();
            byte[] mac = v4 ? ArpFrames.senderClaiming(frame, length, ip) : NdpFrames.advertiserOf(frame, length, ip);
            if (mac == null || Arrays.equals(mac, ourMac)) {
                continue; // our own probe comes back to the socket as an outgoing frame
            }
            if ((frame.get(0) & 1) != 0) { // the group bit of the destination: sent to every host
                return "MAC " + Macs.format(mac);
            }
            if (!v4) {
                continue; // IPv6 answers our probe to all nodes; a unicast advertisement is not an announcement
            }
            socket.send(ArpFrames.announcementFor(ArpFrames.REQUEST, ourMac, mac, ip), ArpFrames.ETH_P_ARP);
            socket.send(ArpFrames.announcementFor(ArpFrames.REPLY, ourMac, mac, ip), ArpFrames.ETH_P_ARP);
            return "MAC " + Macs.format(mac) + ", announced on its behalf";
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
