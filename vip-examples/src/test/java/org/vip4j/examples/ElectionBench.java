package org.vip4j.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An elected vip4j VIP against keepalived (Debian's 2.2, VRRP over unicast between the three nodes, {@code advert_int
 * 1}, {@code nopreempt}, a {@code vrrp_script} of the same command every second): the same health check on the same
 * three lab nodes, each tool in a fresh lab. Three failures, {@code rounds} times each: the holder's check fails (its
 * "down" file written), the holder dies (its cable pulled and its daemon killed with SIGKILL), and a partition in
 * which the holder still reaches the client but not the DCS host nor its peers (an nftables table in its namespace,
 * {@code partition} seconds). Times from just before the fault (wall clock) to the VIP added on another node, and the
 * time two nodes held the VIP at once, from {@code ip -ts monitor address} on each node. Prints one Markdown section.
 * Usage: {@code ElectionBench [rounds=5] [partition seconds=10]}. Run by scripts/bench.sh.
 */
public final class ElectionBench {

    private static final String VIP = Lab.VIP;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ElectionBench() {
    }

    record Result(String tool, List<Long> checkFailed, List<Long> died, List<Long> partitionTakeover,
                  List<Long> partitionTwoHolders, long restTwoHolders) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int partition = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        for (String need : List.of("/usr/sbin/keepalived", "/usr/sbin/nft")) {
            if (!Files.isExecutable(Path.of(need))) {
                throw new IllegalStateException(need + " is missing: apt-get install keepalived nftables");
            }
        }
        List<Result> results = List.of(run("vip4j", rounds, partition), run("keepalived", rounds, partition));
        System.out.println("## Elected VIP against keepalived: a failed check, a dead holder, a partition");
        System.out.println();
        System.out.printf(Locale.ROOT, """
                The namespace lab, three nodes, one VIP, the same health check on each (`test ! -e <file>`, every
                second, fall 1, rise 1), each tool in a fresh lab. vip4j: the launcher with `election: true`, its
                defaults (election-ttl 3 s, keepalive-period 1 s, handover-grace 250 ms), etcd 3.4 on the DCS host.
                keepalived %s: VRRP over unicast between the nodes, `advert_int 1`, equal priorities, `nopreempt`,
                the check as a `vrrp_script` in `track_script`. %d rounds of each fault; times from just before the
                fault to the VIP added on another node (`ip -ts monitor` there); the partition (an nftables table in
                the holder's namespace dropping the DCS host and both peers, the client still reachable) lasts %d s,
                and "two holders" is how long, within it and the 2 s after, two nodes had the VIP on their interface
                at once, each of them answering ARP for it.

                """, version(), rounds, partition);
        System.out.println("| fault | vip4j p50 / max | keepalived p50 / max |");
        System.out.println("|---|---|---|");
        Result v = results.get(0);
        Result k = results.get(1);
        row("holder's check fails → VIP on another node", v.checkFailed(), k.checkFailed());
        row("holder dies (cable pulled, daemon SIGKILLed) → VIP on another node", v.died(), k.died());
        row("partition: holder cut from DCS and peers → VIP on another node", v.partitionTakeover(),
                k.partitionTakeover());
        row("partition (" + partition + " s): two nodes holding the VIP", v.partitionTwoHolders(),
                k.partitionTwoHolders());
        System.out.printf(Locale.ROOT, "| outside the faults: two nodes holding the VIP, longest | %s ms | %s ms |%n",
                ms(v.restTwoHolders()), ms(k.restTwoHolders()));
        System.out.println();
    }

    private static void row(String what, List<Long> vip4j, List<Long> keepalived) {
        System.out.printf(Locale.ROOT, "| %s | %s / %s ms | %s / %s ms |%n", what, ms(pct(vip4j)), ms(max(vip4j)),
                ms(pct(keepalived)), ms(max(keepalived)));
    }

    private static Result run(String tool, int rounds, int partition) throws Exception {
        try (Lab lab = Lab.up()) {
            List<Path> monitors = new ArrayList<>();
            List<Process> recorders = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                Path log = lab.logs().resolve("monitor-n" + n + ".log");
                monitors.add(log);
                recorders.add(new ProcessBuilder("chrt", "-f", "50", "ip", "-n", lab.name() + "-n" + n, "-ts", "-o",
                        "monitor", "address").redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            try {
                for (int n = 1; n <= 3; n++) {
                    start(lab, tool, n);
                }
                int holder = awaitOneHolder(lab, List.of(1, 2, 3));
                TimeUnit.SECONDS.sleep(3);
                List<long[]> faults = new ArrayList<>();
                List<Long> checkFailed = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    int h = holder;
                    long t0 = SideBySideBench.nowMicros();
                    Files.writeString(down(lab, h), "down");
                    holder = awaitOneHolder(lab, others(h));
                    checkFailed.add(firstAddOn(monitors, others(h), t0) - t0);
                    faults.add(new long[] {t0, SideBySideBench.nowMicros() + 1_000_000});
                    Files.delete(down(lab, h));
                    TimeUnit.SECONDS.sleep(3); // rise, and a quiet start for the next round
                }
                List<Long> died = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    int h = holder;
                    long t0 = SideBySideBench.nowMicros();
                    lab.control("cut", String.valueOf(h));
                    lab.node(h).destroyForcibly().waitFor();
                    holder = lab.awaitSoleHolder(VIP, others(h), WAIT);
                    died.add(firstAddOn(monitors, others(h), t0) - t0);
                    // the host comes back as after a reboot: no VIP on its interface, its daemon started again
                    if (lab.holds(h, VIP)) {
                        lab.control("vip-del", String.valueOf(h));
                    }
                    lab.control("heal", String.valueOf(h));
                    faults.add(new long[] {t0, SideBySideBench.nowMicros() + 1_000_000});
                    start(lab, tool, h);
                    TimeUnit.SECONDS.sleep(5);
                    awaitOneHolder(lab, List.of(1, 2, 3));
                }
                List<Long> takeover = new ArrayList<>();
                List<long[]> partitions = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    int h = holder;
                    long t0 = SideBySideBench.nowMicros();
                    isolate(lab, h, true);
                    holder = lab.awaitSoleHolder(VIP, others(h), WAIT);
                    takeover.add(firstAddOn(monitors, others(h), t0) - t0);
                    long rest = partition * 1_000_000L - (SideBySideBench.nowMicros() - t0);
                    TimeUnit.MICROSECONDS.sleep(Math.max(0, rest));
                    isolate(lab, h, false);
                    long end = SideBySideBench.nowMicros() + 2_000_000;
                    TimeUnit.SECONDS.sleep(2);
                    partitions.add(new long[] {t0, end});
                    faults.add(new long[] {t0, end});
                    holder = awaitOneHolder(lab, List.of(1, 2, 3));
                    TimeUnit.SECONDS.sleep(3);
                }
                for (Process p : recorders) {
                    p.destroy();
                }
                SwitchTimeline timeline = new SwitchTimeline(monitors, VIP, 0, List.of());
                List<Long> twoHolders = new ArrayList<>();
                for (long[] window : partitions) {
                    twoHolders.add(overlapWithin(timeline, window[0], window[1]));
                }
                long restOverlap = 0;
                for (long[] period : timeline.overlapPeriods) {
                    boolean inFault = faults.stream().anyMatch(f -> period[0] >= f[0] && period[0] <= f[1]);
                    if (!inFault) {
                        restOverlap = Math.max(restOverlap, period[1]);
                    }
                }
                return new Result(tool, checkFailed, died, takeover, twoHolders, restOverlap);
            } finally {
                recorders.forEach(Process::destroyForcibly);
                for (int n = 1; n <= 3; n++) {
                    try {
                        isolate(lab, n, false);
                    } catch (Exception ignored) {
                        // not isolated
                    }
                }
            }
        }
    }

    /** The time two or more nodes held the VIP between {@code from} and {@code to} (µs). */
    private static long overlapWithin(SwitchTimeline t, long from, long to) {
        long sum = 0;
        for (long[] p : t.overlapPeriods) {
            long start = Math.max(p[0], from);
            long end = Math.min(p[0] + p[1], to);
            sum += Math.max(0, end - start);
        }
        return sum;
    }

    private static void start(Lab lab, String tool, int n) throws Exception {
        if (tool.equals("vip4j")) {
            // the election key is the lab's key (nothing else writes it there)
            lab.startNode(n, true, java.util.Map.of("VIP_ELECTION", "true", "VIP_HEALTH_CHECK",
                    "exec:test ! -e " + down(lab, n)));
            lab.awaitStarted(n);
            return;
        }
        StringBuilder peers = new StringBuilder();
        for (int o : others(n)) {
            peers.append("    198.51.100.1").append(o).append('\n');
        }
        Path conf = Files.writeString(lab.logs().resolve("keepalived-n" + n + ".conf"), """
                global_defs {
                  router_id n%1$d
                  script_user root
                  enable_script_security
                }
                vrrp_script check {
                  script "/usr/bin/test ! -e %2$s"
                  interval 1
                  fall 1
                  rise 1
                }
                vrrp_instance vip {
                  state BACKUP
                  nopreempt
                  interface eth0
                  virtual_router_id 51
                  priority 100
                  advert_int 1
                  unicast_src_ip 198.51.100.1%1$d
                  unicast_peer {
                %3$s  }
                  virtual_ipaddress {
                    %4$s/24 dev eth0
                  }
                  track_script {
                    check
                  }
                }
                """.formatted(n, down(lab, n), peers, VIP));
        Path run = lab.logs().resolve("keepalived-n" + n);
        Files.createDirectories(run);
        lab.startCommand(n, List.of("/usr/sbin/keepalived", "--dont-fork", "--log-console", "--vrrp",
                "--use-file=" + conf, "--pid=" + run.resolve("k.pid"), "--vrrp_pid=" + run.resolve("v.pid"),
                "--checkers_pid=" + run.resolve("c.pid")));
    }

    /** Cuts node {@code n} off from the DCS host and its peers (not from the client), or lifts that. */
    private static void isolate(Lab lab, int n, boolean cut) throws Exception {
        String ns = lab.name() + "-n" + n;
        if (!cut) {
            exec("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "vip4jbench");
            return;
        }
        StringBuilder set = new StringBuilder("198.51.100.10");
        for (int o : others(n)) {
            set.append(", 198.51.100.1").append(o);
        }
        String rules = """
                table inet vip4jbench {
                  chain in { type filter hook input priority 0; ip saddr { %1$s } drop; }
                  chain out { type filter hook output priority 0; ip daddr { %1$s } drop; }
                }
                """.formatted(set);
        Path file = Files.writeString(lab.logs().resolve("isolate-n" + n + ".nft"), rules);
        exec("ip", "netns", "exec", ns, "nft", "-f", file.toString());
    }

    private static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static Path down(Lab lab, int n) {
        return lab.logs().resolve("n" + n + ".down");
    }

    private static List<Integer> others(int n) {
        List<Integer> out = new ArrayList<>(List.of(1, 2, 3));
        out.remove(Integer.valueOf(n));
        return out;
    }

    /** The first add of the VIP on one of {@code nodes} at or after {@code after} (µs). */
    private static long firstAddOn(List<Path> monitors, List<Integer> nodes, long after) throws Exception {
        long best = Long.MAX_VALUE;
        for (int n : nodes) {
            for (String line : Files.readAllLines(monitors.get(n - 1))) {
                if (line.startsWith("[") && line.contains(" " + VIP + "/") && !line.contains("] Deleted ")) {
                    long t = SwitchTimeline.micros(line.substring(1, line.indexOf(']')));
                    if (t >= after) {
                        best = Math.min(best, t);
                        break;
                    }
                }
            }
        }
        if (best == Long.MAX_VALUE) {
            throw new IllegalStateException("no add of " + VIP + " on " + nodes + " after " + after);
        }
        return best;
    }

    private static int awaitOneHolder(Lab lab, List<Integer> among) throws Exception {
        List<Integer> found = new ArrayList<>();
        Lab.await(() -> {
            found.clear();
            for (int n = 1; n <= 3; n++) {
                if (lab.holds(n, VIP)) {
                    found.add(n);
                }
            }
            return found.size() == 1 && among.contains(found.get(0));
        }, WAIT, () -> "holders " + found + ", wanted one of " + among);
        return found.get(0);
    }

    private static Long pct(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return SwitchTimeline.pct(sorted, 50);
    }

    private static Long max(List<Long> values) {
        return SwitchTimeline.max(values.stream().sorted().toList());
    }

    private static String ms(Long micros) {
        return micros == null ? "–" : String.format(Locale.ROOT, "%.0f", micros / 1000.0);
    }

    private static String version() throws Exception {
        Process p = new ProcessBuilder("/usr/sbin/keepalived", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        return out.lines().findFirst().orElse("?").replace("Keepalived ", "").trim();
    }
}
