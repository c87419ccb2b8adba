package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vip4j.VirtualAddress;
import org.vip4j.net.linux.testing.NetnsLab;
import org.vip4j.net.linux.testing.NetnsTaskException;
import org.vip4j.net.linux.testing.NetnsThread;
import org.vip4j.spi.InterfaceChange;
import org.vip4j.spi.Subscription;

/**
 * Adding, listing and removing addresses through netlink, in a namespace of our own, checked with {@code ip}.
 * The host end of the veth starts with no address at all (vip-manager 1.0.2 failed on such interfaces).
 */
class AddressNetnsTest {

    private static final String IF = "h0";
    private static NetnsLab lab;
    private static String host;
    private static String peer;
    private static NetnsThread inHost;
    private static LinuxAddressManager manager;

    @BeforeAll
    static void setUp() {
        lab = NetnsLab.create();
        host = lab.namespace("host");
        peer = lab.namespace("peer");
        lab.veth(host, IF, peer, "p0");
        inHost = lab.enter(host);
        manager = inHost.call(() -> LinuxAddressManager.open(IF, Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE));
    }

    @AfterAll
    static void tearDown() {
        if (manager != null) {
            manager.close();
        }
        if (inHost != null) {
            inHost.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void flush() {
        lab.ip(host, "addr", "flush", "dev", IF);
    }

    private static VirtualAddress vip(String ip, int prefix) throws Exception {
        return new VirtualAddress(InetAddress.getByName(ip), prefix, IF);
    }

    private static String addrs() {
        return lab.ip(host, "-o", "addr", "show", "dev", IF);
    }

    @Test
    void addsAndRemovesIpv4OnAnInterfaceWithoutOtherAddresses() throws Exception {
        assertThat(lab.ip(host, "-4", "-o", "addr", "show", "dev", IF)).isBlank();
        VirtualAddress vip = vip("198.51.100.10", 24);

        inHost.run(() -> manager.add(vip));
        assertThat(addrs()).contains("inet 198.51.100.10/24 ");
        assertThat(inHost.call(() -> manager.isPresent(vip))).isTrue();

        inHost.run(() -> manager.remove(vip));
        assertThat(addrs()).doesNotContain("198.51.100.10");
        assertThat(inHost.call(() -> manager.isPresent(vip))).isFalse();
    }

    @Test
    void manyVipsCheckingAtOnceEachGetAnAnswerAsFreshAsTheirOwnDump() throws Exception {
        int vips = 30;
        for (int i = 1; i <= vips; i++) {
            VirtualAddress v = vip("198.51.100." + (100 + i), 24);
            inHost.run(() -> manager.add(v));
        }
        ExecutorService pool = Executors.newFixedThreadPool(vips);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 1; i <= vips; i++) {
                // the socket belongs to the namespace it was opened in: any thread may use it
                VirtualAddress v = vip("198.51.100." + (100 + i), 24);
                answers.add(pool.submit(() -> {
                    go.await();
                    return manager.isPresent(v);
                }));
            }
            Future<Boolean> absent = pool.submit(() -> {
                go.await();
                return manager.isPresent(vip("198.51.100.99", 24));
            });
            go.countDown();
            for (Future<Boolean> a : answers) {
                assertThat(a.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(absent.get(10, TimeUnit.SECONDS)).isFalse();
            lab.ip(host, "addr", "del", "198.51.100.101/24", "dev", IF); // by hand, right before the next check
            assertThat(manager.isPresent(vip("198.51.100.101", 24))).as("no answer older than the question")
                    .isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAgedCheckMayShareALookButNeverOneOlderThanThisManagersOwnChanges() throws Exception {
        VirtualAddress vip = vip("198.51.100.13", 24);
        Duration tenSeconds = Duration.ofSeconds(10);
        assertThat(manager.isPresent(vip, tenSeconds)).isFalse();
        inHost.run(() -> manager.add(vip));
        assertThat(manager.isPresent(vip, tenSeconds)).as("our own add invalidates the shared look").isTrue();
        lab.ip(host, "addr", "del", "198.51.100.13/24", "dev", IF);
        assertThat(manager.isPresent(vip)).as("a strict check looks now").isFalse();
        assertThat(manager.isPresent(vip, tenSeconds)).as("and its look is the newest").isFalse();
        inHost.run(() -> manager.remove(vip));
        inHost.run(() -> manager.add(vip));
        assertThat(manager.isPresent(vip, tenSeconds)).isTrue();
    }

    @Test
    void addingAPresentAndRemovingAnAbsentAddressAreNotErrors() throws Exception {
        VirtualAddress vip = vip("198.51.100.11", 24);
        inHost.run(() -> {
            manager.add(vip);
            manager.add(vip);
        });
        assertThat(addrs()).containsOnlyOnce("198.51.100.11/24");
        inHost.run(() -> {
            manager.remove(vip);
            manager.remove(vip);
        });
        assertThat(addrs()).doesNotContain("198.51.100.11");
    }

    @Test
    void isPresentMatchesTheExactAddressOnly() throws Exception {
        lab.ip(host, "addr", "add", "198.51.100.100/24", "dev", IF);
        lab.ip(host, "addr", "add", "2001:db8::100/64", "dev", IF, "nodad");

        for (String prefixOfPresent : List.of("198.51.100.10", "198.51.100.1", "2001:db8::10", "2001:db8::1")) {
            VirtualAddress other = vip(prefixOfPresent, prefixOfPresent.contains(":") ? 64 : 24);
            assertThat(inHost.call(() -> manager.isPresent(other))).as(prefixOfPresent).isFalse();
        }
        assertThat(inHost.call(() -> manager.isPresent(vip("198.51.100.100", 24)))).isTrue();
        // a different prefix length is still the same address on the interface
        assertThat(inHost.call(() -> manager.isPresent(vip("198.51.100.100", 32)))).isTrue();
        assertThat(inHost.call(() -> manager.isPresent(vip("2001:db8::100", 64)))).isTrue();
    }

    @Test
    void addsAndRemovesIpv6WithoutDuplicateAddressDetectionDelay() throws Exception {
        VirtualAddress vip = vip("2001:db8::10", 64);
        inHost.run(() -> manager.add(vip));
        String shown = addrs();
        assertThat(shown).contains("inet6 2001:db8::10/64 ");
        assertThat(shown).doesNotContain("tentative");
        assertThat(inHost.call(() -> manager.isPresent(vip))).isTrue();

        inHost.run(() -> manager.remove(vip));
        assertThat(addrs()).doesNotContain("2001:db8::10/");
    }

    @Test
    void removesTheAddressWhateverPrefixItWasAddedWith() throws Exception {
        lab.ip(host, "addr", "add", "198.51.100.12/32", "dev", IF);
        lab.ip(host, "addr", "add", "2001:db8::12/128", "dev", IF, "nodad");
        inHost.run(() -> {
            manager.remove(vip("198.51.100.12", 24));
            manager.remove(vip("2001:db8::12", 64));
        });
        assertThat(addrs()).doesNotContain("198.51.100.12").doesNotContain("2001:db8::12");
    }

    @Test
    void kernelErrorsNameOperationAddressInterfaceAndErrno() throws Exception {
        lab.ip(host, "link", "add", "name", "gone0", "type", "veth", "peer", "name", "gone1");
        lab.ip(host, "link", "set", "gone0", "up");
        LinuxAddressManager doomed = inHost.call(() ->
                LinuxAddressManager.open("gone0", Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE));
        try {
            lab.ip(host, "link", "del", "gone0");
            VirtualAddress vip = new VirtualAddress(InetAddress.getByName("198.51.100.13"), 24, "gone0");
            assertThatThrownBy(() -> inHost.run(() -> doomed.add(vip)))
                    .isInstanceOf(NetnsTaskException.class)
                    .cause().isInstanceOf(NativeException.class)
                    .hasMessage("adding 198.51.100.13/24 to interface gone0 failed: ENODEV (No such device)");
            // removing from an interface that no longer exists: the address is certainly not there
            inHost.run(() -> doomed.remove(vip));
        } finally {
            doomed.close();
        }
    }

    @Test
    void announcingOnAnInterfaceThatWentDownNamesItAndTheErrno() throws Exception {
        lab.ip(host, "link", "add", "name", "flap0", "type", "veth", "peer", "name", "flap1");
        lab.ip(host, "link", "set", "flap0", "up");
        LinuxAddressManager flapping = inHost.call(() ->
                LinuxAddressManager.open("flap0", Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE));
        try {
            lab.ip(host, "link", "set", "flap0", "down");
            VirtualAddress vip = new VirtualAddress(InetAddress.getByName("198.51.100.15"), 24, "flap0");
            assertThatThrownBy(() -> inHost.run(() -> flapping.announce(vip)))
                    .cause().isInstanceOf(NativeException.class)
                    .hasMessage("announcing 198.51.100.15 on interface flap0 failed: ENETDOWN (Network is down)");
        } finally {
            flapping.close();
            lab.ip(host, "link", "del", "flap0");
        }
    }

    @Test
    void createFailsClearlyForAMissingInterface() {
        assertThatThrownBy(() -> inHost.run(() ->
                LinuxAddressManager.open("nosuch0", Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interface nosuch0 does not exist");
    }

    @Test
    void createFailsClearlyForAnInterfaceThatIsDown() {
        lab.ip(host, "link", "add", "name", "down0", "type", "veth", "peer", "name", "down1");
        try {
            assertThatThrownBy(() -> inHost.run(() ->
                    LinuxAddressManager.open("down0", Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("interface down0 is down; bring it up (`ip link set down0 up`) before starting vip4j");
        } finally {
            lab.ip(host, "link", "del", "down0");
        }
    }

    @Test
    void refusesAnAddressForAnotherInterface() {
        assertThatThrownBy(() -> manager.add(new VirtualAddress(InetAddress.getByName("198.51.100.14"), 24, "eth9")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serves interface h0, not eth9");
    }

    @Test
    void theProviderFindsAnInterfaceWithNoAddressAtAllOnAHostWithoutIpv6() throws Exception {
        lab.exec(host, "sysctl", "-q", "-w", "net.ipv6.conf." + IF + ".disable_ipv6=1");
        try {
            assertThat(addrs()).as("h0: no IPv4, no IPv6, not even a link-local address").isBlank();
            LinuxAddressManagerProvider provider = new LinuxAddressManagerProvider();
            assertThat(inHost.call(() -> java.net.NetworkInterface.getByName(IF)))
                    .as("the JDK's view, which the launcher used to check against").isNull();
            assertThat(inHost.call(() -> provider.interfaceProblem(IF))).isEmpty();
            assertThat(inHost.call(() -> provider.interfaceProblem("nope0"))).hasValueSatisfying(p -> assertThat(p)
                    .startsWith("no such interface in this network namespace; found: [").contains("lo", IF));
        } finally {
            lab.exec(host, "sysctl", "-q", "-w", "net.ipv6.conf." + IF + ".disable_ipv6=0");
        }
    }

    @Test
    void theInterfaceReportsAddressAndLinkChangesWhoeverMakesThem() throws Exception {
        BlockingQueue<InterfaceChange> changes = new LinkedBlockingQueue<>();
        try (Subscription watch = inHost.call(() -> manager.watchInterface(IF, changes::add))) {
            lab.ip(host, "addr", "add", "198.51.100.77/24", "dev", IF);
            expect(changes, InterfaceChange.Kind.ADDRESS_ADDED, "198.51.100.77");
            lab.ip(host, "addr", "del", "198.51.100.77/24", "dev", IF);
            expect(changes, InterfaceChange.Kind.ADDRESS_REMOVED, "198.51.100.77");
            inHost.run(() -> manager.add(vip("2001:db8::77", 64)));
            expect(changes, InterfaceChange.Kind.ADDRESS_ADDED, "2001:db8::77");
            lab.ip(peer, "link", "set", "p0", "down"); // the cable: h0 loses its carrier
            expect(changes, InterfaceChange.Kind.LINK_DOWN, null);
            lab.ip(peer, "link", "set", "p0", "up");
            expect(changes, InterfaceChange.Kind.LINK_UP, null);
        }
    }

    @Test
    void whenTheLinkIsBackNeighboursLeftUnresolvedByTheCutAreForgottenBeforeSubscribersHear() throws Exception {
        // their next ARP probe is up to a second away; a new connection's first packet would wait for it
        lab.ip(host, "addr", "add", "198.51.100.1/24", "dev", IF);
        lab.ip(peer, "addr", "add", "198.51.100.2/24", "dev", "p0");
        BlockingQueue<InterfaceChange> changes = new LinkedBlockingQueue<>();
        AtomicReference<String> atLinkUp = new AtomicReference<>();
        try (Subscription watch = inHost.call(() -> manager.watchInterface(IF, c -> {
            if (c.kind() == InterfaceChange.Kind.LINK_UP) {
                atLinkUp.set(lab.ip(host, "neigh", "show", "dev", IF));
            }
            changes.add(c);
        }))) {
            lab.ip(peer, "link", "set", "p0", "down");
            expect(changes, InterfaceChange.Kind.LINK_DOWN, null);
            lab.exec(host, "bash", "-c", "echo x > /dev/udp/198.51.100.2/9"); // sent during the cut: unresolved
            assertThat(lab.ip(host, "neigh", "show", "dev", IF)).contains("198.51.100.2 INCOMPLETE");
            lab.ip(peer, "link", "set", "p0", "up");
            expect(changes, InterfaceChange.Kind.LINK_UP, null);
            assertThat(atLinkUp.get()).as("neighbours of h0 when LINK_UP was delivered").doesNotContain("198.51.100.2");
        } finally {
            lab.ip(peer, "addr", "flush", "dev", "p0");
        }
    }

    @Test
    void anInterfaceDeletedAndCreatedAgainIsReportedAsRemovedThenUp() throws Exception {
        lab.ip(host, "link", "add", "name", "churn0", "type", "veth", "peer", "name", "churn1");
        lab.ip(host, "link", "set", "churn1", "up");
        lab.ip(host, "link", "set", "churn0", "up");
        LinuxAddressManager churning = inHost.call(() ->
                LinuxAddressManager.open("churn0", Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE));
        VirtualAddress vip = new VirtualAddress(InetAddress.getByName("198.51.100.16"), 24, "churn0");
        BlockingQueue<InterfaceChange> changes = new LinkedBlockingQueue<>();
        try (Subscription watch = inHost.call(() -> churning.watchInterface("churn0", changes::add))) {
            inHost.run(() -> churning.add(vip));
            expect(changes, InterfaceChange.Kind.ADDRESS_ADDED, "198.51.100.16");
            lab.ip(host, "link", "del", "churn0"); // the VLAN or bond a network service deletes
            InterfaceChange c;
            do {
                c = changes.poll(5, TimeUnit.SECONDS);
                assertThat(c).as("a change before INTERFACE_REMOVED").isNotNull();
            } while (c.kind() != InterfaceChange.Kind.INTERFACE_REMOVED);
            assertThatThrownBy(() -> inHost.run(() -> churning.isPresent(vip)))
                    .as("not \"absent\": the interface itself is gone").cause().isInstanceOf(NativeException.class)
                    .hasMessageContaining("ENODEV");
            lab.ip(host, "link", "add", "name", "churn0", "type", "veth", "peer", "name", "churn1");
            lab.ip(host, "link", "set", "churn1", "up");
            lab.ip(host, "link", "set", "churn0", "up"); // the same name again, a new index
            do {
                c = changes.poll(5, TimeUnit.SECONDS);
                assertThat(c).as("LINK_UP of the new churn0").isNotNull();
            } while (c.kind() != InterfaceChange.Kind.LINK_UP);
            assertThat(inHost.call(() -> churning.probeConflict(vip, Duration.ofMillis(50))))
                    .as("the probe runs on the new interface, nobody answers").isEmpty();
            inHost.run(() -> churning.add(vip)); // the manager finds the new index itself
            assertThat(lab.ip(host, "-o", "addr", "show", "dev", "churn0")).contains("198.51.100.16/24");
        } finally {
            churning.close();
            lab.ip(host, "link", "del", "churn0");
        }
    }

    @Test
    void subscribersOfOneInterfaceShareOneMonitorThatStopsWithTheLast() throws Exception {
        BlockingQueue<InterfaceChange> first = new LinkedBlockingQueue<>();
        BlockingQueue<InterfaceChange> second = new LinkedBlockingQueue<>();
        int before = InterfaceMonitor.running();
        Subscription a = inHost.call(() -> manager.watchInterface(IF, first::add));
        Subscription b = inHost.call(() -> manager.watchInterface(IF, second::add));
        try {
            assertThat(InterfaceMonitor.running()).as("one socket and thread for both").isEqualTo(before + 1);
            lab.ip(host, "addr", "add", "198.51.100.78/24", "dev", IF);
            expect(first, InterfaceChange.Kind.ADDRESS_ADDED, "198.51.100.78");
            expect(second, InterfaceChange.Kind.ADDRESS_ADDED, "198.51.100.78");
            a.close();
            lab.ip(host, "addr", "del", "198.51.100.78/24", "dev", IF);
            expect(second, InterfaceChange.Kind.ADDRESS_REMOVED, "198.51.100.78");
            assertThat(first).as("nothing after its subscription closed")
                    .noneMatch(c -> c.kind() == InterfaceChange.Kind.ADDRESS_REMOVED);
            assertThat(InterfaceMonitor.running()).isEqualTo(before + 1);
        } finally {
            a.close();
            b.close();
        }
        assertThat(InterfaceMonitor.running()).as("stopped with its last subscriber").isEqualTo(before);
    }

    /** Waits for {@code kind} (of {@code ip}, if given), skipping others (the kernel's link-local address, say). */
    private static void expect(BlockingQueue<InterfaceChange> changes, InterfaceChange.Kind kind, String ip)
            throws Exception {
        InetAddress wanted = ip == null ? null : InetAddress.getByName(ip);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<InterfaceChange> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            InterfaceChange c = changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (c == null) {
                break;
            }
            if (c.kind() == kind && (wanted == null || wanted.equals(c.address()))) {
                return;
            }
            seen.add(c);
        }
        throw new AssertionError("no " + kind + " " + (ip == null ? "" : ip) + " within 3 s; saw " + seen);
    }
}
