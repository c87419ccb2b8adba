package org.vip4j.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one VIP costs while nothing happens, which is almost always: a holder and a standby, each as its packaged
 * start script runs it ({@code bin/vip4j} for vip4j), the key unchanged for the whole window, and vip-manager 1.0.2
 * in the same lab after it. Per process: CPU over the window (utime + stime from /proc), RSS and threads at its end;
 * for the pair: requests etcd served meanwhile (its own gRPC and HTTP counters from /metrics). Prints one Markdown
 * section. Usage: {@code IdleBench [seconds=60]}. Run by scripts/bench.sh.
 */
public final class IdleBench {

    private static final Pattern FIRST_DECISION = Pattern.compile("first decision (\\d+) ms after JVM start");
    private static final Pattern METRIC = Pattern.compile(
            "^(grpc_server_msg_received_total|etcd_http_received_total)\\{([^}]*)\\} ([0-9.e+]+)$");
    /** Left after the start before the window opens: the JIT keeps compiling gRPC and Netty code for a minute or so. */
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private IdleBench() {
    }

    record Node(String role, double cpuPercent, long rssKb, long threads) {
    }

    private enum Tool {
        VIP4J, VIP4J_WITHOUT_CDS, VIP_MANAGER
    }

    record Run(String tool, List<Node> nodes, String requests, String startup) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        List<Run> runs = new ArrayList<>();
        try (Lab lab = Lab.up(true)) {
            Path archive = Path.of("target/vip4j.jsa");
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException(archive.toAbsolutePath() + " is missing: bin/vip4j --create-cds-archive "
                        + "makes it (scripts/bench.sh does), as the Debian package does at install time");
            }
            runs.add(measure(lab, "vip4j (`bin/vip4j`, defaults, CDS archive)", Tool.VIP4J, seconds));
            runs.add(measure(lab, "vip4j (`bin/vip4j`, defaults, no CDS archive)", Tool.VIP4J_WITHOUT_CDS, seconds));
            runs.add(measure(lab, "vip-manager 1.0.2, interval 1000 ms", Tool.VIP_MANAGER, seconds));
        }
        System.out.println("## Idle cost: one VIP, holder and standby");
        System.out.println();
        System.out.printf(Locale.ROOT, """
                One VIP in the namespace lab, the key naming n1 throughout: n1 holds, n2 stands by. Each tool as its
                packaged start script runs it (vip4j: `bin/vip4j` and its JVM flags, with the class-data sharing
                archive that the Debian package makes at install time and without it; vip-manager 1.0.2 from Debian,
                etcd v2, its default 1000 ms interval), %d s after a %d s settling time. CPU is utime + stime of the
                process over the window (1/100 s ticks), in %% of one core; RSS and threads at its end; requests are
                what etcd counted for both nodes together in the window (gRPC messages received, by method, and v2
                HTTP requests), per minute.
                
                """, seconds, SETTLE.toSeconds());
        System.out.println("| tool | holder CPU | standby CPU | holder RSS / threads | standby RSS / threads "
                + "| etcd requests per minute (both nodes) | JVM start → first decision |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Run r : runs) {
            Node h = r.nodes().get(0);
            Node s = r.nodes().get(1);
            System.out.printf(Locale.ROOT, "| %s | %.3f %% | %.3f %% | %d MB / %d | %d MB / %d | %s | %s |%n", r.tool(),
                    h.cpuPercent(), s.cpuPercent(), h.rssKb() / 1024, h.threads(), s.rssKb() / 1024, s.threads(),
                    r.requests(), r.startup());
        }
        System.out.println();
        Node h = runs.get(0).nodes().get(0);
        Node s = runs.get(0).nodes().get(1);
        System.out.printf(Locale.ROOT, "- issue 15's goals for one VIP: holder ≤ 0.1 %% of a core (%.2f %%: %s), standby "
                + "≤ 0.05 %% (%.2f %%: %s), RSS ≤ 64 MB (%d / %d MB: %s), JVM start → first decision ≤ 600 ms "
                + "(%s)%n", h.cpuPercent(), met(h.cpuPercent() <= 0.1), s.cpuPercent(), met(s.cpuPercent() <= 0.05),
                h.rssKb() / 1024, s.rssKb() / 1024, met(Math.max(h.rssKb(), s.rssKb()) <= 64 * 1024),
                runs.get(0).startup());
        System.out.println();
    }

    private static String met(boolean met) {
        return met ? "met" : "not met";
    }

    private static Run measure(Lab lab, String tool, Tool which, int seconds) throws Exception {
        boolean vipManager = which == Tool.VIP_MANAGER;
        if (vipManager) { // vip-manager 1.0.2 reads etcd's v2 store, which is not the v3 one
            SideBySideBench.shell(lab, "curl -sS --max-time 5 -X PUT http://127.0.0.1:2379/v2/keys" + Lab.KEY
                    + " -d value=n1 > /dev/null");
        } else {
            lab.put("n1");
        }
        List<Process> started = new ArrayList<>();
        // the nodes' logs go on from run to run: this run's start-up line is the one after those already there
        int[] decisionsBefore = {0, firstDecisions(lab, 1).size(), firstDecisions(lab, 2).size()};
        try {
            for (int n = 1; n <= 2; n++) {
                started.add(start(lab, n, which));
            }
            lab.awaitHolders(List.of("n1"), Duration.ofSeconds(30));
            String startup = "–";
            if (!vipManager) {
                List<String> starts = new ArrayList<>();
                for (int n = 1; n <= 2; n++) {
                    int node = n;
                    Lab.await(() -> firstDecisions(lab, node).size() > decisionsBefore[node], Duration.ofSeconds(30),
                            () -> "n" + node + " made no first decision: " + lab.log(node));
                    starts.add(firstDecisions(lab, node).get(decisionsBefore[node]) + " ms");
                }
                startup = "holder " + starts.get(0) + ", standby " + starts.get(1);
            }
            TimeUnit.MILLISECONDS.sleep(SETTLE.toMillis());
            long[] before = new long[2];
            for (int i = 0; i < 2; i++) {
                before[i] = SideBySideBench.cpuTicks(started.get(i).pid());
            }
            String metricsBefore = etcdMetrics(lab);
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            double window = (System.nanoTime() - t0) / 1e9;
            String metricsAfter = etcdMetrics(lab);
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                long pid = started.get(i).pid();
                double cpu = (SideBySideBench.cpuTicks(pid) - before[i]) / window; // 100 ticks a second: % of a core
                nodes.add(new Node(i == 0 ? "holder" : "standby", cpu, SideBySideBench.status(pid, "VmRSS"),
                        SideBySideBench.status(pid, "Threads")));
            }
            if (!lab.holders().equals(List.of("n1"))) {
                throw new IllegalStateException(tool + ": the VIP moved during an idle window: " + lab.holders());
            }
            return new Run(tool, nodes, requests(metricsBefore, metricsAfter, window), startup);
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            if (vipManager) { // it leaves the address behind on exit
                for (int n = 1; n <= 2; n++) {
                    if (lab.holds(n)) {
                        lab.control("vip-del", String.valueOf(n));
                    }
                }
            }
            lab.awaitHolders(List.of(), Duration.ofSeconds(10));
        }
    }

    /** Every "first decision N ms after JVM start" in node {@code n}'s log, in order: N of each start. */
    private static List<String> firstDecisions(Lab lab, int n) {
        List<String> found = new ArrayList<>();
        Matcher m = FIRST_DECISION.matcher(lab.log(n));
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Process start(Lab lab, int n, Tool which) throws Exception {
        if (which == Tool.VIP_MANAGER) {
            return lab.startCommand(n, List.of("/usr/bin/vip-manager", "--ip", Lab.VIP, "--netmask", "24",
                    "--interface", "eth0", "--trigger-key", Lab.KEY, "--trigger-value", "n" + n,
                    "--dcs-type", "etcd", "--dcs-endpoints", "http://198.51.100.10:2379", "--interval", "1000"));
        }
        Path script = Path.of("").toAbsolutePath().getParent().resolve("bin/vip4j");
        // bin/vip4j maps target/vip4j.jsa when it is there; a path that is not an archive turns that off
        return lab.startCommand(n, List.of("env", "VIP4J_JAR=" + Path.of("target/vip4j.jar").toAbsolutePath(),
                "VIP4J_CDS_ARCHIVE=" + (which == Tool.VIP4J ? Path.of("target/vip4j.jsa").toAbsolutePath() : "/none"),
                script.toString(), "--ip", Lab.VIP, "--netmask", "24", "--interface", "eth0",
                "--trigger-key", Lab.KEY, "--trigger-value", "n" + n,
                "--dcs-endpoints", "http://198.51.100.10:2379"));
    }

    static String etcdMetrics(Lab lab) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-dcs", "curl", "-sS", "--max-time", "5",
                "http://127.0.0.1:2379/metrics").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("etcd's /metrics: " + out);
        }
        return out;
    }

    /** Per-minute deltas of etcd's request counters, the nonzero ones, e.g. "Range 120, Watch 60". */
    static String requests(String before, String after, double seconds) {
        Map<String, Double> b = counters(before);
        Map<String, Double> a = counters(after);
        List<String> parts = new ArrayList<>();
        for (var e : new TreeMap<>(a).entrySet()) {
            double d = e.getValue() - b.getOrDefault(e.getKey(), 0.0);
            if (d > 0) {
                parts.add(String.format(Locale.ROOT, "%s %.0f", e.getKey(), d * 60 / seconds));
            }
        }
        return parts.isEmpty() ? "0" : String.join(", ", parts);
    }

    private static Map<String, Double> counters(String metrics) {
        Map<String, Double> out = new HashMap<>();
        for (String line : metrics.split("\n")) {
            Matcher m = METRIC.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            String name = m.group(1).equals("etcd_http_received_total") ? "v2 " + label(m.group(2), "method")
                    : label(m.group(2), "grpc_method");
            out.merge(name, Double.parseDouble(m.group(3)), Double::sum);
        }
        return out;
    }

    private static String label(String labels, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(labels);
        return m.find() ? m.group(1) : "?";
    }
}
