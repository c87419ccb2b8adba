package org.vip4j.net.linux;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.Subscription;

/**
 * {@link LinuxAddressManager#watchForClaim}: one thread that keeps the packet socket bound to ARP (or IPv6) for the
 * whole watch, so no announcement falls into a gap, and reports the first claim another host sends to the whole
 * segment. That is the next holder's gratuitous ARP, or for IPv6 its unsolicited advertisement, or its kernel's
 * defence of the address against our duplicate-address probe (sent to all nodes, so it moves every cache too).
 *
 * <p>Not a unicast reply to an IPv4 probe: the next holder's kernel answers that as soon as the address is on its
 * interface, but it tells only us. In the Patroni lab the next holder's own announcement came up to 48 ms after
 * its add (a cold, starved JVM); releasing on the reply left the clients' caches pointing at a host that no longer
 * had the address, and a client SYN sent there waited for TCP's one-second retransmit. So IPv4 only listens, and
 * IPv6 probes every period, since the answer to its probe is an announcement.
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
     * @param probeLock serialises listeners on the socket (its receive buffer is one); held for the whole watch
     */
    static ClaimListener start(PacketSocket socket, byte[] ourMac, byte[] ip, Duration every, Object probeLock,
                               String what, Consumer<String> onClaim) {
        ClaimListener[] self = new ClaimListener[1];
        self[0] = new ClaimListener("vip4j-claims-" + what, () -> self[0].run(socket, ourMac, ip, every, probeLock,
                what, onClaim));
        self[0].thread.start();
        return self[0];
    }

    private void run(PacketSocket socket, byte[] ourMac, byte[] ip, Duration every, Object probeLock, String what,
                     Consumer<String> onClaim) {
        boolean v4 = ip.length == 4;
        int etherType = v4 ? ArpFrames.ETH_P_ARP : NdpFrames.ETH_P_IPV6;
        byte[] probe = v4 ? null : NdpFrames.duplicateAddressProbe(ourMac, ip);
        long period = Math.max(1, every.toNanos());
        synchronized (probeLock) {
            try {
                socket.listen(etherType);
                try {
                    while (!closed) {
                        if (!v4) {
                            socket.send(probe, etherType);
                        }
                        Optional<String> owner = ConflictProber.listen(socket, ourMac, ip, v4,
                                System.nanoTime() + period, true);
                        if (owner.isPresent()) {
                            if (!closed) {
                                LOG.debug("{} claims {}", owner.get(), what);
                                onClaim.accept(owner.get());
                            }
                            return;
                        }
                    }
                } finally {
                    socket.stopListening();
                }
            } catch (IOException | RuntimeException e) {
                // the handoff's grace deadline then ends it the slow way
                LOG.warn("listening for the next holder of {} failed: {}", what, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
