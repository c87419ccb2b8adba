package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.Subscription;
import org.vip4j.net.linux.testing.Eventually;
import org.vip4j.net.linux.testing.NetnsLab;
import org.vip4j.net.linux.testing.NetnsThread;
import org.vip4j.net.linux.testing.PacketCapture;

/**
 * Announcements, takeover and conflict probes on a small segment: namespace "sw" holds a bridge (and plays the
 * client/switch whose caches we watch), namespaces "a" and "b" are two nodes on it. Their interfaces carry no
 * address except the VIPs the tests add. Packets are observed by tcpdump in "sw", independent of our parser.
 */
class AnnounceNetnsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static NetnsLab lab;
    private static String sw;
    private static String macA;
    private static String macB;
    private static NetnsThread inA;
    private static NetnsThread inB;
    private static NetnsThread inSw;
    private static LinuxAddressManager a;
    private static LinuxAddressManager b;

    @BeforeAll
    static void setUp() {
        lab = NetnsLab.create();
        sw = lab.namespace("sw");
        String nsA = lab.namespace("a");
        String nsB = lab.namespace("b");
        lab.veth(nsA, "a0", sw, "pa");
        lab.veth(nsB, "b0", sw, "pb");
        lab.bridge(sw, "br0", "pa", "pb");
        lab.ip(sw, "addr", "add", "198.51.100.1/24", "dev", "br0");
        lab.ip(sw, "addr", "add", "2001:db8::1/64", "dev", "br0", "nodad");
        macA = lab.mac(nsA, "a0");
        macB = lab.mac(nsB, "b0");
        inA = lab.enter(nsA);
        inB = lab.enter(nsB);
        inSw = lab.enter(sw);
        a = inA.call(() -> LinuxAddressManager.open("a0", Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE));
        b = inB.call(() -> LinuxAddressManager.open("b0", Duration.ofSeconds(2), Announcer.DEFAULT_SCHEDULE));
        assertThat(lab.ip(nsA, "-4", "-o", "addr", "show", "dev", "a0")).as("a0 starts without IPv4").isBlank();
    }

    @AfterAll
    static void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, inA, inB, inSw, lab}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
    }

    @AfterEach
    void dropVips() {
        inA.run(() -> {
            for (String ip : List.of("198.51.100.10", "198.51.100.30", "198.51.100.40", "2001:db8::10",
                    "2001:db8::30", "2001:db8::40")) {
                a.remove(vip(ip, "a0"));
            }
        });
        inB.run(() -> {
            for (String ip : List.of("198.51.100.30", "2001:db8::30")) {
                b.remove(vip(ip, "b0"));
            }
        });
    }

    private static VirtualAddress vip(String ip, String iface) throws Exception {
        return new VirtualAddress(InetAddress.getByName(ip), ip.contains(":") ? 64 : 24, iface);
    }

    @Test
    void gratuitousArpBurstInRequestAndReplyFormReachesThePeer() throws Exception {
        try (PacketCapture capture = PacketCapture.start(lab, sw, "br0", "arp and host 198.51.100.10")) {
            VirtualAddress vip = vip("198.51.100.10", "a0");
            inA.run(() -> {
                a.add(vip);
                a.announce(vip);
            });
            String broadcastFromA = " " + macA + " > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806)";
            List<String> requests = capture.await(l -> l.contains(broadcastFromA)
                    && l.contains("Request who-has 198.51.100.10 tell 198.51.100.10"), 3, WAIT);
            List<String> replies = capture.await(l -> l.contains(broadcastFromA)
                    && l.contains("Reply 198.51.100.10 is-at " + macA), 3, WAIT);
            assertThat(requests).hasSizeGreaterThanOrEqualTo(3);
            assertThat(replies).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void unsolicitedNeighbourAdvertisementReachesThePeer() throws Exception {
        try (PacketCapture capture = PacketCapture.start(lab, sw, "br0", "icmp6 and ip6[40] == 136")) {
            VirtualAddress vip = vip("2001:db8::10", "a0");
            inA.run(() -> {
                a.add(vip);
                a.announce(vip);
            });
            List<String> adverts = capture.await(l -> l.contains(" " + macA + " > 33:33:00:00:00:01")
                    && l.contains("neighbor advertisement") && l.contains("tgt is 2001:db8::10"), 2, WAIT);
            String first = adverts.get(0);
            assertThat(first).contains("hlim 255", "2001:db8::10 > ff02::1", "Flags [override]",
                    "destination link-address option", "[icmp6 sum ok]", macA);
            assertThat(first).doesNotContain("bad", "solicited", "router");
        }
    }

    @Test
    void laterRoundsAnnounceAMacThatChangedMeanwhile() throws Exception {
        String nsA = inA.namespace();
        String changed = "02:00:5e:00:53:aa";
        try (PacketCapture capture = PacketCapture.start(lab, sw, "br0", "arp and host 198.51.100.10")) {
            VirtualAddress vip = vip("198.51.100.10", "a0");
            inA.run(() -> {
                a.add(vip);
                a.announce(vip);
            });
            lab.ip(nsA, "link", "set", "a0", "address", changed); // as a bond does when it fails over
            capture.await(l -> l.contains("Reply 198.51.100.10 is-at " + changed), 2, WAIT);
        } finally {
            lab.ip(nsA, "link", "set", "a0", "address", macA);
        }
    }

    @Test
    void takeoverPointsThePeersArpEntryAtTheNewOwner() throws Exception {
        takeover("198.51.100.30");
    }

    @Test
    void takeoverPointsThePeersNeighbourEntryAtTheNewOwner() throws Exception {
        takeover("2001:db8::30");
    }

    private void takeover(String ip) throws Exception {
        VirtualAddress onA = vip(ip, "a0");
        VirtualAddress onB = vip(ip, "b0");
        inA.run(() -> {
            a.add(onA);
            a.announce(onA);
        });
        poke(ip); // the peer resolves the VIP once, so it has an entry to update
        Eventually.await("sw's entry for " + ip + " to name A (" + macA + ")", WAIT, () -> neighbour(ip),
                n -> n.contains("lladdr " + macA));

        inA.run(() -> a.remove(onA));
        inB.run(() -> b.add(onB));
        assertThat(neighbour(ip)).as("adding alone tells the peer nothing").contains("lladdr " + macA);
        inB.run(() -> b.announce(onB));
        // no traffic from the peer now: only the announcements can move its entry
        Eventually.await("sw's entry for " + ip + " to name B (" + macB + ")", WAIT, () -> neighbour(ip),
                n -> n.contains("lladdr " + macB));
    }

    private static String neighbour(String ip) {
        return lab.ip(sw, "neigh", "show", ip, "dev", "br0").trim();
    }

    /** One UDP datagram from the peer to the VIP's discard port: enough to make the peer resolve it. */
    private static void poke(String ip) {
        inSw.run(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.send(new DatagramPacket(new byte[1], 1, InetAddress.getByName(ip), 9));
            }
        });
    }

    @Test
    void probeFindsTheOtherNamespaceThatOwnsAnIpv4Address() throws Exception {
        inA.run(() -> a.add(vip("198.51.100.40", "a0")));
        assertThat(inB.call(() -> b.probeConflict(vip("198.51.100.40", "b0"), Duration.ofSeconds(2))))
                .contains("MAC " + macA);
        assertThat(inB.call(() -> b.probeConflict(vip("198.51.100.41", "b0"), Duration.ofMillis(300))))
                .isEmpty();
    }

    @Test
    void probeFindsTheOtherNamespaceThatOwnsAnIpv6Address() throws Exception {
        inA.run(() -> a.add(vip("2001:db8::40", "a0")));
        assertThat(inB.call(() -> b.probeConflict(vip("2001:db8::40", "b0"), Duration.ofSeconds(2))))
                .contains("MAC " + macA);
        assertThat(inB.call(() -> b.probeConflict(vip("2001:db8::41", "b0"), Duration.ofMillis(300))))
                .isEmpty();
    }

    @Test
    void probeIgnoresOurOwnAddress() throws Exception {
        inA.run(() -> a.add(vip("198.51.100.40", "a0")));
        assertThat(inA.call(() -> a.probeConflict(vip("198.51.100.40", "a0"), Duration.ofMillis(300)))).isEmpty();
    }

    @Test
    void aClaimWatchTellsTheSegmentAboutANextHolderThatOnlyAnsweredItsProbe() throws Exception {
        String ip = "198.51.100.30";
        VirtualAddress onB = vip(ip, "b0");
        inB.run(() -> {
            b.add(onB);
            b.announce(onB);
        });
        poke(ip); // the peer resolves the VIP: its entry names b, the holder
        Eventually.await("sw's entry for " + ip + " to name B (" + macB + ")", WAIT, () -> neighbour(ip),
                n -> n.contains("lladdr " + macB));
        String owner = claimWatch(ip, () -> a.add(vip(ip, "a0"))); // a adds and tells nobody
        assertThat(owner).isEqualTo("MAC " + macA + ", announced on its behalf");
        Eventually.await("sw's entry for " + ip + " to name A (" + macA + "), which never announced it", WAIT,
                () -> neighbour(ip), n -> n.contains("lladdr " + macA));
    }

    @Test
    void aClaimWatchHearsTheNextHolderOfAnIpv6AddressDefendItToAllNodes() throws Exception {
        String ip = "2001:db8::30";
        inB.run(() -> b.add(vip(ip, "b0")));
        assertThat(claimWatch(ip, () -> a.add(vip(ip, "a0")))).isEqualTo("MAC " + macA);
    }

    /** b holds {@code ip} and watches for a claim while a runs {@code claim}; returns what b heard. */
    private String claimWatch(String ip, NetnsThread.Task claim) throws Exception {
        CompletableFuture<String> heard = new CompletableFuture<>();
        try (Subscription watch = inB.call(() -> b.watchForClaim(vip(ip, "b0"), Duration.ofMillis(2),
                heard::complete))) {
            TimeUnit.MILLISECONDS.sleep(50); // a quiet segment for a while: the watch must not invent a claim
            assertThat(heard).isNotCompleted();
            long start = System.nanoTime();
            inA.run(claim);
            String owner = heard.get(2, TimeUnit.SECONDS);
            System.out.printf("claim watch heard %s on a within %d µs of a's add: %s%n", ip,
                    (System.nanoTime() - start) / 1_000, owner);
            return owner;
        } finally {
            inA.run(() -> a.remove(vip(ip, "a0")));
        }
    }
}
