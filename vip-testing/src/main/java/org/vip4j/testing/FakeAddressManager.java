package org.vip4j.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.InterfaceChange;
import org.vip4j.spi.Subscription;

/**
 * One host's interfaces, in memory. Records every call; can be told to fail or hang an operation, to have another
 * host answer ARP for an address, or to lose or gain an address behind the manager's back.
 */
public final class FakeAddressManager implements AddressManager {

    /** The operations, for failure injection and call records. */
    public enum Op { IS_PRESENT, ADD, REMOVE, ANNOUNCE, PROBE, WATCH_CLAIMS }

    /** One recorded call. */
    public record Call(Op op, VirtualAddress vip) {
    }

    private final Set<VirtualAddress> present = new HashSet<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<Op, IOException> failures = new EnumMap<>(Op.class);
    private final Map<Op, CountDownLatch> hangs = new EnumMap<>(Op.class);
    private final List<Consumer<String>> claimWatches = new ArrayList<>();
    private final List<Duration> probeWindows = new ArrayList<>();
    private final List<Consumer<InterfaceChange>> interfaceWatches = new ArrayList<>();
    private String foreignOwner;
    private boolean closed;

    /** Every call of {@code op} throws {@code failure} until {@link #heal}. */
    public synchronized FakeAddressManager fail(Op op, IOException failure) {
        failures.put(op, failure);
        return this;
    }

    /** Every call of {@code op} blocks until {@link #heal} (or the caller's deadline interrupts it). */
    public synchronized FakeAddressManager hang(Op op) {
        hangs.put(op, new CountDownLatch(1));
        return this;
    }

    /** Ends failures and hangs of {@code op}. */
    public void heal(Op op) {
        CountDownLatch latch;
        synchronized (this) {
            failures.remove(op);
            latch = hangs.remove(op);
        }
        if (latch != null) {
            latch.countDown();
        }
    }

    /**
     * Another host answers ARP/ND for every probed address, as {@code mac}; {@code null} for nobody. Running claim
     * watches hear it at once, on the caller's thread.
     */
    public FakeAddressManager foreignOwner(String mac) {
        List<Consumer<String>> heard;
        synchronized (this) {
            this.foreignOwner = mac;
            heard = mac == null ? List.of() : List.copyOf(claimWatches);
            if (mac != null) {
                claimWatches.clear();
            }
        }
        heard.forEach(w -> w.accept(mac));
        return this;
    }

    /** How long each probe so far was asked to listen, in order. */
    public synchronized List<Duration> probeWindows() {
        return List.copyOf(probeWindows);
    }

    /** How many claim watches are listening now. */
    public synchronized int activeClaimWatches() {
        return claimWatches.size();
    }

    /** Someone ran {@code ip addr del}; interface watches hear it, as from the kernel. */
    public void removeBehindTheBack(VirtualAddress vip) {
        synchronized (this) {
            present.remove(vip);
            notifyAll();
        }
        changed(InterfaceChange.Kind.ADDRESS_REMOVED, vip);
    }

    /** Someone ran {@code ip addr add}, or a crashed process left the address behind. */
    public void addBehindTheBack(VirtualAddress vip) {
        synchronized (this) {
            present.add(vip);
            notifyAll();
        }
        changed(InterfaceChange.Kind.ADDRESS_ADDED, vip);
    }

    /** The cable was pulled ({@code up} false) or plugged back in; interface watches hear it. */
    public void link(boolean up) {
        changed(up ? InterfaceChange.Kind.LINK_UP : InterfaceChange.Kind.LINK_DOWN, null);
    }

    /**
     * The interface was deleted (a VLAN or bond that a network service re-creates), in the kernel's order: down, its
     * addresses gone, the deletion. Every call but remove then fails with ENODEV until {@link #interfaceCreated}.
     */
    public void interfaceRemoved() {
        changed(InterfaceChange.Kind.LINK_DOWN, null);
        List<VirtualAddress> gone;
        synchronized (this) {
            gone = List.copyOf(present);
            present.clear();
            for (Op op : List.of(Op.IS_PRESENT, Op.ADD, Op.ANNOUNCE, Op.PROBE)) {
                failures.put(op, new IOException("interface eth0: ENODEV (No such device)"));
            }
            notifyAll();
        }
        gone.forEach(v -> changed(InterfaceChange.Kind.ADDRESS_REMOVED, v));
        changed(InterfaceChange.Kind.INTERFACE_REMOVED, null);
    }

    /** An interface of the same name exists and runs again, without the VIP. */
    public void interfaceCreated() {
        synchronized (this) {
            for (Op op : List.of(Op.IS_PRESENT, Op.ADD, Op.ANNOUNCE, Op.PROBE)) {
                failures.remove(op);
            }
        }
        changed(InterfaceChange.Kind.LINK_UP, null);
    }

    /** Tells every interface watch, on the caller's thread, as the kernel tells every rtnetlink listener. */
    private void changed(InterfaceChange.Kind kind, VirtualAddress vip) {
        List<Consumer<InterfaceChange>> watches;
        synchronized (this) {
            watches = List.copyOf(interfaceWatches);
        }
        InterfaceChange change = new InterfaceChange(kind, vip == null ? null : vip.address());
        watches.forEach(w -> w.accept(change));
    }

    public synchronized boolean holds(VirtualAddress vip) {
        return present.contains(vip);
    }

    /** Waits, without polling, until the address is (or is not) present; false when {@code timeout} ran out. */
    public synchronized boolean awaitHolds(VirtualAddress vip, boolean expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (present.contains(vip) != expected) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Waits, without polling, until {@code op} was called at least once; false when {@code timeout} ran out. */
    public synchronized boolean awaitCall(Op op, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(op) == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Every call so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** How many calls of {@code op} so far. */
    public synchronized long count(Op op) {
        return calls.stream().filter(c -> c.op() == op).count();
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isPresent(VirtualAddress vip) throws IOException {
        enter(Op.IS_PRESENT, vip);
        synchronized (this) {
            return present.contains(vip);
        }
    }

    @Override
    public void add(VirtualAddress vip) throws IOException {
        enter(Op.ADD, vip);
        synchronized (this) {
            present.add(vip);
            notifyAll();
        }
        changed(InterfaceChange.Kind.ADDRESS_ADDED, vip);
    }

    @Override
    public void remove(VirtualAddress vip) throws IOException {
        enter(Op.REMOVE, vip);
        synchronized (this) {
            present.remove(vip);
            notifyAll();
        }
        changed(InterfaceChange.Kind.ADDRESS_REMOVED, vip);
    }

    @Override
    public void announce(VirtualAddress vip) throws IOException {
        enter(Op.ANNOUNCE, vip);
    }

    @Override
    public Optional<String> probeConflict(VirtualAddress vip, Duration timeout) throws IOException {
        enter(Op.PROBE, vip);
        synchronized (this) {
            probeWindows.add(timeout);
            return Optional.ofNullable(foreignOwner);
        }
    }

    /** Deterministic: a foreign owner already set is heard at once, one set later when {@link #foreignOwner} is called. */
    @Override
    public Subscription watchForClaim(VirtualAddress vip, Duration every, Consumer<String> onClaim) {
        String owner;
        Consumer<String> watch = onClaim::accept;
        synchronized (this) {
            calls.add(new Call(Op.WATCH_CLAIMS, vip));
            owner = foreignOwner;
            if (owner == null) {
                claimWatches.add(watch);
            }
        }
        if (owner != null) {
            onClaim.accept(owner);
        }
        return () -> {
            synchronized (this) {
                claimWatches.remove(watch);
            }
        };
    }

    @Override
    public Subscription watchInterface(String interfaceName, Consumer<InterfaceChange> onChange) {
        Consumer<InterfaceChange> watch = onChange::accept;
        synchronized (this) {
            interfaceWatches.add(watch);
        }
        return () -> {
            synchronized (this) {
                interfaceWatches.remove(watch);
            }
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void enter(Op op, VirtualAddress vip) throws IOException {
        CountDownLatch hang;
        synchronized (this) {
            calls.add(new Call(op, vip));
            notifyAll();
            IOException failure = failures.get(op);
            if (failure != null) {
                throw failure;
            }
            hang = hangs.get(op);
        }
        if (hang != null) {
            try {
                hang.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(op + " interrupted while hanging", e);
            }
        }
    }
}
