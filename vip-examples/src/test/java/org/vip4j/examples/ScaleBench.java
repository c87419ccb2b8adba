package org.vip4j.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scale run: one launcher per node (the shaded jar, as in production) with N VIPs and N trigger keys in one YAML
 * {@code vips:} list. All keys move between n1 and n2 in etcd v3 transactions of at most 100 puts (JSON gateway
 * {@code /v3/kv/txn}), back and forth; every VIP's move is timed from the first write to its address change on the
 * new node ({@code ip -ts monitor}). Up to 100 VIPs come from 198.51.100.0/24, more from the benchmarking range
 * 198.18.0.0/15, inside the lab only. Prints one Markdown section. Usage: {@code ScaleBench [rounds=10] [vips=100]}.
 * Run by scripts/bench.sh.
 */
public final class ScaleBench {

    private static final Pattern INET = Pattern.compile("^\\[([^\\]]+)\\] (Deleted )?.* inet (198\\.\\d+\\.\\d+\\.\\d+)/");
    /** What etcd allows in one transaction by default ({@code --max-txn-ops} 128), in round figures. */
    private static final int PUTS_PER_TXN = 100;
    private static final long GAP_MICROS = 4_000_000;

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        // up to 100 VIPs in the documentation range; more from the benchmarking range 198.18.0.0/15
        boolean wide = count > 100;
        int netmask = wide ? 15 : 24;
        List<String> vips = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            vips.add(wide ? "198.18." + (i / 250) + "." + (1 + i % 250) : "198.51.100." + (100 + i));
            keys.add(String.format(wide ? "/service/c%04d/leader" : "/service/c%03d/leader", i));
        }
        try (Lab lab = Lab.up()) {
            String toN1 = curlTxns(txns(lab, keys, "n1"));
            String toN2 = curlTxns(txns(lab, keys, "n2"));
            SideBySideBench.shell(lab, toN1);
            List<Path> monitors = new ArrayList<>();
            List<Process> watchers = new ArrayList<>();
            Path writes = lab.logs().resolve("scale-writes.log");
            Path done = lab.logs().resolve("scale-writes-done.log");
            long t0;
            long[] rss = new long[4];
            long[] threads = new long[4];
            long[] threadsAtStart = new long[4];
            long[] fds = new long[4];
            long[] ticks = new long[4];
            try {
                for (int n = 1; n <= 3; n++) {
                    monitors.add(lab.logs().resolve("scale-monitor-n" + n + ".log"));
                    watchers.add(SideBySideBench.monitor(lab, n, monitors.get(n - 1)));
                }
                TimeUnit.MILLISECONDS.sleep(300); // the monitors subscribe before the first start
                t0 = SideBySideBench.nowMicros();
                for (int n = 1; n <= 3; n++) {
                    lab.startNode(n, false, "--config", config(lab, n, vips, keys, netmask).toString());
                }
                awaitSlowly(() -> held(lab, 1, vips) == vips.size(), Duration.ofSeconds(180),
                        "n1 never held all " + vips.size() + " VIPs; see " + lab.logs());
                for (int n = 1; n <= 3; n++) {
                    threadsAtStart[n] = SideBySideBench.status(lab.node(n).pid(), "Threads");
                }
                for (int n = 1; n <= 3; n++) {
                    int node = n;
                    awaitSlowly(() -> lab.log(node).contains("first decision"), Duration.ofSeconds(60),
                            "n" + node + " did not start");
                }
                TimeUnit.SECONDS.sleep(5); // let start-up work (standbys' reads, announcement bursts) die down
                StringBuilder sb = new StringBuilder("#!/bin/bash\nset -e\n");
                for (int r = 0; r < rounds; r++) {
                    for (String to : List.of("n2", "n1")) {
                        sb.append(SideBySideBench.stamp(to, writes)).append(to.equals("n2") ? toN2 : toN1)
                                .append(SideBySideBench.stamp(to, done))
                                .append("sleep ").append(GAP_MICROS / 1_000_000).append('\n');
                    }
                }
                Path script = lab.logs().resolve("scale-switches.sh");
                Files.writeString(script, sb.toString());
                lab.runInDcs(script, "scale-writer.log", Duration.ofMinutes(30));
                // idle figures after the last round (n1 holds all VIPs again): 20 s with nothing happening
                for (int n = 1; n <= 3; n++) {
                    ticks[n] = SideBySideBench.cpuTicks(lab.node(n).pid());
                }
                TimeUnit.SECONDS.sleep(20);
                for (int n = 1; n <= 3; n++) {
                    long pid = lab.node(n).pid();
                    ticks[n] = SideBySideBench.cpuTicks(pid) - ticks[n];
                    rss[n] = SideBySideBench.status(pid, "VmRSS");
                    threads[n] = SideBySideBench.status(pid, "Threads");
                    fds[n] = SideBySideBench.fds(pid);
                }
            } finally {
                for (Process w : watchers) {
                    w.destroy();
                    w.waitFor(5, TimeUnit.SECONDS);
                }
            }
            List<Map<String, List<long[]>>> events = new ArrayList<>();
            for (Path m : monitors) {
                events.add(parse(m));
            }
            print(rounds, vips, t0, events, SwitchTimeline.readWrites(writes),
                    SideBySideBench.durations(SwitchTimeline.readWrites(writes), SwitchTimeline.readWrites(done)), rss,
                    new long[][] {threadsAtStart, threads}, fds, ticks, netmask);
        }
    }

    private static void print(int rounds, List<String> vips, long t0, List<Map<String, List<long[]>>> events,
            List<SwitchTimeline.Write> writes, List<Long> curls, long[] rss, long[][] threadCounts, long[] fds,
            long[] ticks, int netmask) {
        long[] threadsAtStart = threadCounts[0];
        long[] threads = threadCounts[1];
        int txns = (vips.size() + PUTS_PER_TXN - 1) / PUTS_PER_TXN;
        List<Long> startup = new ArrayList<>();
        for (String vip : vips) {
            Long a = first(events.get(0).get(vip), t0, Long.MAX_VALUE, 1);
            if (a != null) {
                startup.add(a - t0);
            }
        }
        Collections.sort(startup);
        List<Long> takeovers = new ArrayList<>();
        List<Long> releases = new ArrayList<>();
        List<Long> lastPerSwitch = new ArrayList<>();
        int missing = 0;
        for (int i = 0; i < writes.size(); i++) {
            SwitchTimeline.Write w = writes.get(i);
            long next = i + 1 < writes.size() ? writes.get(i + 1).micros() : w.micros() + GAP_MICROS;
            int to = Integer.parseInt(w.node().substring(1));
            int from = to == 1 ? 2 : 1;
            long last = -1;
            for (String vip : vips) {
                Long added = first(events.get(to - 1).get(vip), w.micros(), next, 1);
                Long removed = first(events.get(from - 1).get(vip), w.micros(), next, -1);
                if (added == null) {
                    missing++;
                } else {
                    takeovers.add(added - w.micros());
                    last = Math.max(last, added - w.micros());
                }
                if (removed != null) {
                    releases.add(removed - w.micros());
                }
            }
            if (last >= 0) {
                lastPerSwitch.add(last);
            }
        }
        Collections.sort(takeovers);
        Collections.sort(releases);
        Collections.sort(lastPerSwitch);
        System.out.println("## Scale: " + vips.size() + " VIPs in one launcher");
        System.out.println();
        System.out.print("""
                One vip4j launcher per node (the shaded jar, `-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1`),
                configured by one YAML file with a `vips:` list of %1$d entries: %2$s … %3$s/%7$d on eth0, trigger
                keys %8$s … %9$s. All %1$d managers run on the process's one `VipRuntime` (decision
                workers, a timer, event threads, address-call threads only while calls run), share one etcd client
                (one connection, one watch per key) and one netlink address manager for eth0. The keys are moved by
                %10$d etcd v3 transaction(s) of at most %11$d puts each (`/v3/kv/txn` on the JSON gateway, one
                after the other): %4$d rounds of n1 → n2 and back (%5$d moves, %6$d s apart). Times from just
                before the first curl of a move (stamped by bash builtins) to each VIP's address change on the
                node, from `ip -ts monitor`.

                """.formatted(vips.size(), vips.get(0), vips.get(vips.size() - 1), rounds, writes.size(),
                GAP_MICROS / 1_000_000, netmask, vips.size() > 100 ? "/service/c0001/leader" : "/service/c001/leader",
                String.format(vips.size() > 100 ? "/service/c%04d/leader" : "/service/c%03d/leader", vips.size()),
                txns, PUTS_PER_TXN));
        System.out.println("| measure | value |");
        System.out.println("|---|---|");
        System.out.printf("| write → each VIP on the new node, p50 / p99 / max (%d samples) | %s / %s / %s |%n",
                takeovers.size(), SwitchTimeline.ms(SwitchTimeline.pct(takeovers, 50)),
                SwitchTimeline.ms(SwitchTimeline.pct(takeovers, 99)), SwitchTimeline.ms(SwitchTimeline.max(takeovers)));
        System.out.printf("| write → each VIP off the old node, p50 / p99 | %s / %s |%n",
                SwitchTimeline.ms(SwitchTimeline.pct(releases, 50)), SwitchTimeline.ms(SwitchTimeline.pct(releases, 99)));
        System.out.printf("| write → all %d VIPs on the new node (slowest VIP per move), p50 / max | %s / %s |%n",
                vips.size(), SwitchTimeline.ms(SwitchTimeline.pct(lastPerSwitch, 50)),
                SwitchTimeline.ms(SwitchTimeline.max(lastPerSwitch)));
        System.out.printf("| VIPs not on the new node within %d s of a move | %d of %d |%n", GAP_MICROS / 1_000_000,
                missing, vips.size() * writes.size());
        System.out.printf("| the move's curl(s) from the first to the last answer, p50 / max | %s / %s |%n",
                SwitchTimeline.ms(SwitchTimeline.pct(curls, 50)), SwitchTimeline.ms(SwitchTimeline.max(curls)));
        System.out.printf("| start-up, key naming n1: exec → first / all %d VIPs on n1 | %s / %s |%n", vips.size(),
                SwitchTimeline.ms(startup.isEmpty() ? null : startup.get(0)), SwitchTimeline.ms(
                        startup.size() == vips.size() ? SwitchTimeline.max(startup) : null));
        System.out.printf("| RSS after the run: n1 (holds all), n2, n3 | %d / %d / %d MB |%n", rss[1] / 1024,
                rss[2] / 1024, rss[3] / 1024);
        System.out.printf("| threads when n1 held all at start: n1, n2, n3 | %d / %d / %d |%n", threadsAtStart[1],
                threadsAtStart[2], threadsAtStart[3]);
        System.out.printf("| threads after the run: n1, n2, n3 | %d / %d / %d |%n", threads[1], threads[2],
                threads[3]);
        System.out.printf("| open file descriptors after the run: n1, n2, n3 | %d / %d / %d |%n", fds[1], fds[2],
                fds[3]);
        System.out.printf("| idle CPU over 20 s: n1, n2, n3 | %.1f %% / %.1f %% / %.1f %% |%n", ticks[1] / 20.0,
                ticks[2] / 20.0, ticks[3] / 20.0);
        System.out.println();
    }

    /** The vip-manager-style YAML of node {@code n}: shared DCS settings on top, one entry per VIP. */
    private static Path config(Lab lab, int n, List<String> vips, List<String> keys, int netmask) throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("dcs-type: etcd\ndcs-endpoints: http://198.51.100.10:2379\ninterface: eth0\nnetmask: ")
                .append(netmask).append('\n')
                .append("trigger-value: n").append(n).append("\nvips:\n");
        for (int i = 0; i < vips.size(); i++) {
            sb.append("  - {ip: ").append(vips.get(i)).append(", trigger-key: ").append(keys.get(i)).append("}\n");
        }
        return Files.writeString(lab.logs().resolve("scale-n" + n + ".yaml"), sb.toString());
    }

    /**
     * {@code /v3/kv/txn} bodies that put every key to {@code value} unconditionally, {@link #PUTS_PER_TXN} keys each,
     * written to files.
     */
    private static List<Path> txns(Lab lab, List<String> keys, String value) throws Exception {
        List<Path> bodies = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += PUTS_PER_TXN) {
            StringBuilder sb = new StringBuilder("{\"success\":[");
            for (int i = from; i < Math.min(keys.size(), from + PUTS_PER_TXN); i++) {
                sb.append(i == from ? "" : ",").append("{\"requestPut\":{\"key\":\"")
                        .append(SideBySideBench.b64(keys.get(i))).append("\",\"value\":\"")
                        .append(SideBySideBench.b64(value)).append("\"}}");
            }
            bodies.add(Files.writeString(lab.logs().resolve("txn-" + value + "-" + from / PUTS_PER_TXN + ".json"),
                    sb.append("]}").toString()));
        }
        return bodies;
    }

    private static String curlTxns(List<Path> bodies) {
        StringBuilder sb = new StringBuilder();
        for (Path body : bodies) {
            // etcd answers 200 with an error body too; --fail-with-body would not catch that, grep for the header
            sb.append("curl -sS --max-time 5 -X POST http://127.0.0.1:2379/v3/kv/txn -d @").append(body)
                    .append(" | grep -q '\"succeeded\":true'\n");
        }
        return sb.toString();
    }

    /** How many of {@code vips} node {@code n} has on eth0: one {@code ip} call, not one per VIP. */
    private static int held(Lab lab, int n, List<String> vips) throws Exception {
        Process p = new ProcessBuilder("ip", "-n", lab.name() + "-n" + n, "-o", "addr", "show", "dev", "eth0")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        int c = 0;
        for (String vip : vips) {
            if (out.contains(" " + vip + "/")) {
                c++;
            }
        }
        return c;
    }

    /** Like {@link Lab#await} but polling every 200 ms: a 5 ms poll would steal CPU from the starting JVMs. */
    private static void awaitSlowly(Lab.Check check, Duration timeout, String why) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + why);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Per VIP, the adds (+1) and deletes (-1) that {@code ip -ts -o monitor address} logged, in order. */
    private static Map<String, List<long[]>> parse(Path monitorLog) throws Exception {
        Map<String, List<long[]>> out = new HashMap<>();
        for (String line : Files.readAllLines(monitorLog)) {
            Matcher m = INET.matcher(line);
            if (m.find()) {
                out.computeIfAbsent(m.group(3), k -> new ArrayList<>()).add(new long[] {
                    SwitchTimeline.micros(m.group(1)), m.group(2) != null ? -1 : 1});
            }
        }
        return out;
    }

    private static Long first(List<long[]> events, long from, long to, int delta) {
        if (events == null) {
            return null;
        }
        for (long[] e : events) {
            if (e[0] >= from && e[0] < to && e[1] == delta) {
                return e[0];
            }
        }
        return null;
    }
}
