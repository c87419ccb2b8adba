package org.vip4j.examples;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent;
import org.vip4j.VipManager;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.InMemoryDcs;

/**
 * vip4j embedded in a JVM, with nothing real underneath: three nodes share one in-memory DCS, each with its own
 * fake interface, and the leader key moves n1 → n2 → n3 → deleted. Shows the events a listener receives and who
 * holds the VIP after each move. The same wiring with {@code dcs-type} and {@code manager-type} left to their
 * providers (etcd, netlink) is what runs in production. It lives with the tests because it runs on vip4j's test
 * fixtures (vip-testing), which stay out of vip4j.jar; {@code EmbeddedExampleTest} runs it.
 */
public final class EmbeddedExample {

    private static final String KEY = "/service/demo/leader";

    private record Node(String name, FakeAddressManager net, VipManager manager) {
    }

    private EmbeddedExample() {
    }

    public static void main(String[] args) throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        BlockingQueue<VipEvent> settled = new LinkedBlockingQueue<>();
        List<Node> nodes = new ArrayList<>();
        for (String name : List.of("n1", "n2", "n3")) {
            VipConfig cfg = VipConfig.builder()
                    .ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                    .triggerKey(KEY).triggerValue(name)
                    .build();
            FakeAddressManager net = new FakeAddressManager();
            // one DCS connection shared by every manager, as a process with several VIPs would do
            VipManager manager = VipManager.builder().config(cfg).dcsClient(dcs).addressManager(net).build();
            manager.addListener(e -> {
                System.out.printf("  [%s] %-14s %-9s -> %-9s %s%n", name, e.kind(), e.from(), e.to(), e.reason());
                if (e.kind() == VipEvent.Kind.ACQUIRED || e.kind() == VipEvent.Kind.RELEASED) {
                    settled.add(e);
                }
            });
            nodes.add(new Node(name, net, manager));
        }
        System.out.println("vip4j embedded demo: three nodes, one in-memory DCS, VIP 198.51.100.100/24");
        nodes.forEach(n -> n.manager().start());
        for (String leader : List.of("n1", "n2", "n3")) {
            System.out.println();
            System.out.println("> leader key " + KEY + " := " + leader);
            long start = System.nanoTime();
            dcs.put(KEY, leader);
            awaitHolder(nodes, leader, settled);
            System.out.printf("  VIP held by %s after %.2f ms; holders: %s%n", leader,
                    (System.nanoTime() - start) / 1e6, holders(nodes));
        }
        System.out.println();
        System.out.println("> leader key deleted (no next leader: the holder keeps the VIP for handover-grace, "
                + "then releases)");
        dcs.delete(KEY);
        awaitHolder(nodes, null, settled);
        System.out.println("  holders: " + holders(nodes));
        nodes.forEach(n -> n.manager().close());
        System.out.println();
        System.out.println("demo finished");
    }

    private static void awaitHolder(List<Node> nodes, String expected, BlockingQueue<VipEvent> settled)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!holders(nodes).equals(expected == null ? List.of() : List.of(expected))) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || settled.poll(left, TimeUnit.NANOSECONDS) == null) {
                throw new IllegalStateException("VIP did not settle on " + expected + "; holders: " + holders(nodes));
            }
        }
    }

    private static List<String> holders(List<Node> nodes) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.net().holds(n.manager().config().virtualAddress())) {
                out.add(n.name());
            }
        }
        return out;
    }
}
