package org.vip4j.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Issue 9's side-by-side run: the same namespace lab, the same etcd, the same switches, for vip4j (watching etcd's
 * v3 API) and for Debian's vip-manager 1.0.2 (polling etcd's v2 API) at its default 1000 ms interval and at 100 ms.
 * The key is written through the API each tool reads; the clock is the same: key write to the VIP on the new leader
 * and off the old one, from {@code ip -ts monitor} in every node. Prints Markdown. Run by scripts/bench.sh.
 */
public final class SideBySideBench {

    private record Result(String tool, SwitchTimeline timeline, int switches, long rssKb, double cpuPercent) {
    }

    private SideBySideBench() {
    }

    public static void main(String[] args) throws Exception {
        int switches = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        List<Result> results = new ArrayList<>();
        results.add(run("vip4j (defaults)", switches, false, 0));
        results.add(run("vip-manager 1.0.2, interval 1000 ms", switches, true, 1000));
        results.add(run("vip-manager 1.0.2, interval 100 ms", switches, true, 100));
        System.out.println("| tool | switches | write → VIP on new leader p50 / p99 | write → VIP off old leader p50 / p99 "
                + "| two holders: periods, max | idle RSS per node | idle CPU per node |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Result r : results) {
            SwitchTimeline t = r.timeline();
            System.out.printf("| %s | %d | %s / %s | %s / %s | %d, %s | %d MB | %.2f %% |%n", r.tool(), r.switches(),
                    SwitchTimeline.ms(SwitchTimeline.pct(t.takeovers, 50)),
                    SwitchTimeline.ms(SwitchTimeline.pct(t.takeovers, 99)),
                    SwitchTimeline.ms(SwitchTimeline.pct(t.releases, 50)),
                    SwitchTimeline.ms(SwitchTimeline.pct(t.releases, 99)),
                    t.overlaps.size(), SwitchTimeline.ms(SwitchTimeline.max(t.overlaps)), r.rssKb() / 1024,
                    r.cpuPercent());
        }
        long vip4j = SwitchTimeline.pct(results.get(0).timeline().takeovers, 50);
        System.out.println();
        for (Result r : results.subList(1, results.size())) {
            long other = SwitchTimeline.pct(r.timeline().takeovers, 50);
            System.out.printf("- vip4j's p50 takeover is %.0f× faster than %s%n", other / (double) vip4j, r.tool());
        }
    }

    private static Result run(String tool, int switches, boolean vipManager, int interval) throws Exception {
        try (Lab lab = Lab.up(vipManager)) {
            for (int n = 1; n <= 3; n++) {
                if (vipManager) {
                    lab.startCommand(n, List.of("/usr/bin/vip-manager", "--ip", Lab.VIP, "--netmask", "24",
                            "--interface", "eth0", "--trigger-key", Lab.KEY, "--trigger-value", "n" + n,
                            "--dcs-type", "etcd", "--dcs-endpoints", "http://198.51.100.10:2379",
                            "--interval", String.valueOf(interval)));
                } else {
                    lab.startNode(n);
                }
            }
            if (!vipManager) {
                for (int n = 1; n <= 3; n++) {
                    lab.awaitStarted(n);
                }
            }
            Path writes = lab.logs().resolve("writes.log");
            Path script = lab.logs().resolve("switches.sh");
            StringBuilder sb = new StringBuilder("#!/bin/bash\nset -e\n");
            sb.append(put(vipManager, "n1")).append("sleep 3\n"); // everyone settles on n1
            List<Process> monitors = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                monitors.add(new ProcessBuilder("ip", "-n", lab.name() + "-n" + n, "-ts", "-o", "monitor", "address")
                        .redirectErrorStream(true).redirectOutput(lab.logs().resolve("monitor-n" + n + ".log")
                                .toFile()).start());
            }
            Random random = new Random(42);
            String current = "n1";
            for (int i = 0; i < switches; i++) {
                List<String> others = new ArrayList<>(List.of("n1", "n2", "n3"));
                others.remove(current);
                current = others.get(random.nextInt(2));
                sb.append("echo \"$(date +%Y-%m-%dT%H:%M:%S.%6N) ").append(current).append("\" >> ").append(writes)
                        .append('\n').append(put(vipManager, current)).append("sleep 1.5\n");
            }
            Files.writeString(script, sb.toString());
            Process writer = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-dcs", "bash", script.toString())
                    .redirectErrorStream(true).redirectOutput(lab.logs().resolve("writer.log").toFile()).start();
            if (!writer.waitFor(30, TimeUnit.MINUTES) || writer.exitValue() != 0) {
                throw new IllegalStateException("writer failed: " + Files.readString(lab.logs().resolve("writer.log")));
            }
            monitors.forEach(Process::destroy);
            // idle figures: 20 s with nothing happening, summed over the three nodes' processes then averaged
            long[] before = new long[4];
            for (int n = 1; n <= 3; n++) {
                before[n] = cpuTicks(lab.node(n).pid());
            }
            TimeUnit.SECONDS.sleep(20);
            long ticks = 0;
            long rss = 0;
            for (int n = 1; n <= 3; n++) {
                ticks += cpuTicks(lab.node(n).pid()) - before[n];
                rss += rssKb(lab.node(n).pid());
            }
            List<Path> logs = List.of(lab.logs().resolve("monitor-n1.log"), lab.logs().resolve("monitor-n2.log"),
                    lab.logs().resolve("monitor-n3.log"));
            SwitchTimeline t = new SwitchTimeline(logs, Lab.VIP, 1, SwitchTimeline.readWrites(writes));
            return new Result(tool, t, switches, rss / 3, ticks / 3.0 / 20.0);
        }
    }

    private static String put(boolean v2, String value) {
        if (v2) {
            return "curl -sS --max-time 5 -X PUT http://127.0.0.1:2379/v2/keys" + Lab.KEY + " -d value=" + value
                    + " > /dev/null\n";
        }
        String json = "{\"key\":\"" + b64(Lab.KEY) + "\",\"value\":\"" + b64(value) + "\"}";
        return "curl -sS --max-time 5 -X POST http://127.0.0.1:2379/v3/kv/put -d '" + json + "' > /dev/null\n";
    }

    private static long cpuTicks(long pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
