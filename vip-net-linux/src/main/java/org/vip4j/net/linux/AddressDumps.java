package org.vip4j.net.linux;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Address dumps shared by the VIPs of one interface. A strict caller gets the result of a dump that started after it
 * asked, never an older one, so the answer is as fresh as a dump of its own; callers that ask while a dump is under
 * way share the next one. A caller that allows an age (the interval reconcile) may also get a dump that started at
 * most that long ago, provided this manager added or removed nothing since (each of its changes calls
 * {@link #invalidate}): a thousand VIPs reconciling every second then cost about two dumps a second, not a thousand
 * dumps of a thousand addresses each. Changes made by others reach the VIPs as rtnetlink notifications, and the
 * checks those trigger are strict.
 */
final class AddressDumps {

    private record Key(int family, int index) {
    }

    /** One (family, interface) pair: guarded by the enclosing instance. */
    private static final class Slot {
        boolean inFlight;
        long resultStartedAt;
        List<InterfaceAddress> result;
        /** No change of this manager's came between the start of the dump that made {@link #result} and now. */
        boolean reusable;
    }

    private final RtNetlink netlink;
    private final Map<Key, Slot> slots = new HashMap<>();
    private long invalidations;

    AddressDumps(RtNetlink netlink) {
        this.netlink = netlink;
    }

    /** This manager changed (or tried to change) an address: no earlier dump may answer an aged question. */
    synchronized void invalidate() {
        invalidations++;
        slots.values().forEach(s -> s.reusable = false);
    }

    /**
     * The addresses of {@code family} on interface {@code index}, from a dump that started after this call did, or
     * (when {@code maxAgeNanos} is positive) one that started less than that long ago and has not been invalidated.
     */
    List<InterfaceAddress> addresses(int family, int index, long maxAgeNanos) throws IOException {
        long asked = System.nanoTime();
        Slot slot;
        long generation;
        synchronized (this) {
            slot = slots.computeIfAbsent(new Key(family, index), k -> new Slot());
            while (true) {
                if (slot.result != null && (slot.resultStartedAt - asked >= 0
                        || slot.reusable && asked - slot.resultStartedAt < maxAgeNanos)) {
                    return slot.result;
                }
                if (!slot.inFlight) {
                    slot.inFlight = true;
                    generation = invalidations;
                    break;
                }
                try {
                    wait(); // a dump under way may have started before we asked: then we need the next one
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for an address dump", e);
                }
            }
        }
        long started = System.nanoTime();
        List<InterfaceAddress> fresh = null;
        try {
            fresh = List.copyOf(netlink.addresses(family, index));
            return fresh;
        } finally {
            synchronized (this) {
                slot.inFlight = false;
                if (fresh != null) {
                    slot.result = fresh;
                    slot.resultStartedAt = started;
                    slot.reusable = invalidations == generation; // a change of ours during the dump: strict use only
                }
                notifyAll(); // after a failure the waiters dump themselves
            }
        }
    }
}
