package org.vip4j.net.linux;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.vip4j.VirtualAddress;
import org.vip4j.net.linux.testing.NetnsLab;
import org.vip4j.net.linux.testing.NetnsThread;

/**
 * Latency of add+announce and remove through netlink and raw sockets, beside {@code ip addr add/del}
 * subprocesses, in a namespace of its own. Run with {@code vip-net-linux/bench.sh [iterations]} as root.
 * Prints a Markdown table (microseconds).
 */
public final class AddressBenchmark {

    private AddressBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int subprocessIterations = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        try (NetnsLab lab = NetnsLab.create()) {
            String host = lab.namespace("bench");
            String peer = lab.namespace("peer");
            lab.veth(host, "h0", peer, "p0");
            try (NetnsThread in = lab.enter(host)) {
                in.run(() -> run(iterations, subprocessIterations));
            }
        }
    }

    private static void run(int iterations, int subprocessIterations) throws Exception {
        VirtualAddress vip = new VirtualAddress(InetAddress.getByName("198.51.100.50"), 24, "h0");
        VirtualAddress vip6 = new VirtualAddress(InetAddress.getByName("2001:db8::50"), 64, "h0");
        try (LinuxAddressManager m = LinuxAddressManager.open("h0", Duration.ofSeconds(2),
                Announcer.DEFAULT_SCHEDULE)) {
            measure(m, vip, iterations / 2, null); // warm up the JIT
            measure(m, vip, iterations, "IPv4 198.51.100.50/24");
            measure(m, vip6, iterations / 2, null);
            measure(m, vip6, iterations, "IPv6 2001:db8::50/64");
            long[] present = new long[iterations];
            m.add(vip);
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                m.isPresent(vip);
                present[i] = System.nanoTime() - t0;
            }
            m.remove(vip);
            row("netlink isPresent (RTM_GETADDR dump)", present);
            subprocess(m, vip, subprocessIterations);
        }
    }

    private static void measure(LinuxAddressManager m, VirtualAddress vip, int n, String label) throws Exception {
        long[] add = new long[n];
        long[] announce = new long[n];
        long[] addAnnounce = new long[n];
        long[] remove = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            m.add(vip);
            long t1 = System.nanoTime();
            m.announce(vip);
            long t2 = System.nanoTime();
            m.remove(vip);
            long t3 = System.nanoTime();
            add[i] = t1 - t0;
            announce[i] = t2 - t1;
            addAnnounce[i] = t2 - t0;
            remove[i] = t3 - t2;
        }
        if (label != null) {
            row("netlink add " + label, add);
            row("first announce round " + label, announce);
            row("**add + announce** " + label, addAnnounce);
            row("**remove** " + label, remove);
        }
    }

    private static void subprocess(LinuxAddressManager m, VirtualAddress vip, int n) throws Exception {
        long[] add = new long[n];
        long[] remove = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            exec("ip", "addr", "add", vip.cidr(), "dev", "h0");
            long t1 = System.nanoTime();
            if (i == 0 && !m.isPresent(vip)) {
                throw new IllegalStateException("ip addr add did not land in the benchmark namespace");
            }
            exec("ip", "addr", "del", vip.cidr(), "dev", "h0");
            add[i] = t1 - t0;
            remove[i] = System.nanoTime() - t1;
        }
        row("`ip addr add` subprocess (no announce)", add);
        row("`ip addr del` subprocess", remove);
    }

    /** Started from the benchmark thread, the child inherits its network namespace. */
    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + new String(out));
        }
    }

    private static void row(String label, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n", label, s.length,
                pct(s, 50), pct(s, 90), pct(s, 99), s[s.length - 1] / 1000.0);
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0;
    }
}
