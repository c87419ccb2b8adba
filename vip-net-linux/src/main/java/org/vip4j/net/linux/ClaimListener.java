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
 * whole watch, so no answer and no announcement falls into a gap between probes, and sends a probe every period.
 * The next holder's kernel answers the first probe after the address is on its interface, before that host even
 * announces it.
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
        byte[] probe = v4 ? ArpFrames.probe(ourMac, ip) : NdpFrames.duplicateAddressProbe(ourMac, ip);
        long period = Math.max(1, every.toNanos());
        synchronized (probeLock) {
            try {
                socket.listen(etherType);
                try {
                    while (!closed) {
                        socket.send(probe, etherType);
                        Optional<String> owner = ConflictProber.listen(socket, ourMac, ip, v4, System.nanoTime() + period);
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
