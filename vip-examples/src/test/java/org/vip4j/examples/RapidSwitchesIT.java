package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, scenario 1: 1000 leader switches among three launcher processes in random order with random gaps of
 * 0 to 200 ms (so flapping back within milliseconds happens), written to a real etcd from inside the lab, and every
 * address change on every node recorded by {@code ip -ts monitor} in its namespace. Counts switches where two nodes
 * held the VIP for more than 50 ms, and settled keys (unchanged for 100 ms or more) whose node did not hold the VIP
 * 100 ms after the write. Goal and assertion: zero of each. Writes the distributions to
 * target/rapid-switches.md. About two and a half minutes.
 */
class RapidSwitchesIT {

    private static final int SWITCHES = Integer.getInteger("vip4j.switches", 1000);

    private record Write(long micros, String node) {
    }

    @Test
    void aThousandRandomSwitchesNeverLeaveTwoHoldersOrNone() throws Exception {
        try (Lab lab = Lab.up()) {
            for (int n = 1; n <= 3; n++) {
                lab.startNode(n);
            }
            for (int n = 1; n <= 3; n++) {
                lab.awaitStarted(n);
            }
            lab.put("n1");
            lab.awaitHolders(List.of("n1"), Duration.ofSeconds(10));
            List<Process> monitors = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                monitors.add(new ProcessBuilder("ip", "-n", lab.name() + "-n" + n, "-ts", "-o", "monitor",
                        "address").redirectErrorStream(true)
                        .redirectOutput(lab.logs().resolve("monitor-n" + n + ".log").toFile()).start());
            }
            TimeUnit.MILLISECONDS.sleep(300); // let the monitors subscribe before the first write
            long seed = Long.getLong("vip4j.seed", System.nanoTime());
            Path writes = lab.logs().resolve("writes.log");
            Path script = writeScript(lab.logs().resolve("switches.sh"), writes, new Random(seed));
            Process writer = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-dcs", "bash", script.toString())
                    .redirectErrorStream(true).redirectOutput(lab.logs().resolve("writer.log").toFile()).start();
            assertThat(writer.waitFor(10, TimeUnit.MINUTES)).as("writer finished").isTrue();
            TimeUnit.SECONDS.sleep(1); // the last switch settles
            monitors.forEach(Process::destroy);
            for (Process m : monitors) {
                m.waitFor(5, TimeUnit.SECONDS);
            }
            analyse(lab, seed, readWrites(writes));
        }
    }

    private static Path writeScript(Path script, Path writes, Random random) throws Exception {
        StringBuilder sb = new StringBuilder("#!/bin/bash\nset -e\n");
        String current = "n1";
        for (int i = 0; i < SWITCHES; i++) {
            List<String> others = new ArrayList<>(List.of("n1", "n2", "n3"));
            others.remove(current);
            current = others.get(random.nextInt(2));
            String json = "{\"key\":\"" + b64(Lab.KEY) + "\",\"value\":\"" + b64(current) + "\"}";
            sb.append("echo \"$(date +%Y-%m-%dT%H:%M:%S.%6N) ").append(current).append("\" >> ").append(writes)
                    .append('\n');
            sb.append("curl -sS --max-time 5 -X POST http://127.0.0.1:2379/v3/kv/put -d '").append(json)
                    .append("' > /dev/null\n");
            int gap = random.nextInt(201);
            sb.append(String.format("sleep 0.%03d%n", gap));
        }
        Files.writeString(script, sb.toString());
        return script;
    }

    private static List<Write> readWrites(Path writes) throws Exception {
        List<Write> out = new ArrayList<>();
        for (String line : Files.readAllLines(writes)) {
            String[] p = line.split(" ");
            out.add(new Write(micros(p[0]), p[1]));
        }
        return out;
    }

    private static void analyse(Lab lab, long seed, List<Write> writes) throws Exception {
        // per node: time -> +1 (added) / -1 (deleted), from the kernel's own notifications
        TreeMap<Long, List<int[]>> events = new TreeMap<>();
        for (int n = 1; n <= 3; n++) {
            for (String line : Files.readAllLines(lab.logs().resolve("monitor-n" + n + ".log"))) {
                if (!line.startsWith("[") || !line.contains(" " + Lab.VIP + "/")) {
                    continue;
                }
                long t = micros(line.substring(1, line.indexOf(']')));
                int delta = line.contains("] Deleted ") ? -1 : 1;
                events.computeIfAbsent(t, k -> new ArrayList<>()).add(new int[] {n, delta});
            }
        }
        // sweep: overlaps (two or more holders) and each node's holding intervals
        Set<Integer> holders = new HashSet<>(List.of(1));
        List<Long> overlaps = new ArrayList<>();
        long overlapStart = -1;
        TreeMap<Long, Set<Integer>> timeline = new TreeMap<>();
        timeline.put(Long.MIN_VALUE, Set.copyOf(holders));
        for (var e : events.entrySet()) {
            for (int[] change : e.getValue()) {
                if (change[1] > 0) {
                    holders.add(change[0]);
                } else {
                    holders.remove(change[0]);
                }
            }
            if (holders.size() >= 2 && overlapStart < 0) {
                overlapStart = e.getKey();
            } else if (holders.size() < 2 && overlapStart >= 0) {
                overlaps.add(e.getKey() - overlapStart);
                overlapStart = -1;
            }
            timeline.put(e.getKey(), Set.copyOf(holders));
        }
        // settled writes: the named node must hold 100 ms after the write, until the next write
        int settled = 0;
        int missed = 0;
        List<Long> takeovers = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            long next = i + 1 < writes.size() ? writes.get(i + 1).micros() : w.micros() + 1_000_000;
            int node = Integer.parseInt(w.node().substring(1));
            Long added = null;
            for (var e : events.subMap(w.micros(), next).entrySet()) {
                for (int[] change : e.getValue()) {
                    if (change[0] == node && change[1] > 0 && added == null) {
                        added = e.getKey();
                    }
                }
            }
            if (added != null) {
                takeovers.add(added - w.micros());
            }
            if (next - w.micros() < 100_000) {
                continue;
            }
            settled++;
            boolean ok = true;
            for (long t = w.micros() + 100_000; t < next; t += 10_000) {
                if (!timeline.floorEntry(t).getValue().equals(Set.of(node))) {
                    ok = false;
                    break;
                }
            }
            if (!ok) {
                missed++;
            }
        }
        long longOverlaps = overlaps.stream().filter(o -> o > 50_000).count();
        Collections.sort(overlaps);
        Collections.sort(takeovers);
        String report = String.format("# %d random leader switches (seed %d)%n%n"
                        + "| measure | value |%n|---|---|%n"
                        + "| switches written | %d |%n| settled keys (unchanged ≥ 100 ms) | %d |%n"
                        + "| settled keys whose node did not hold the VIP alone from write + 100 ms to the next write"
                        + " | %d |%n"
                        + "| periods with two holders | %d |%n| ... longer than 50 ms | %d |%n"
                        + "| overlap p50 / p99 / max | %s / %s / %s |%n"
                        + "| key write → VIP added on the named node (includes the curl that wrote it), p50 / p99 / "
                        + "max | %s / %s / %s |%n",
                writes.size(), seed, writes.size(), settled, missed, overlaps.size(), longOverlaps,
                ms(pct(overlaps, 50)), ms(pct(overlaps, 99)), ms(max(overlaps)),
                ms(pct(takeovers, 50)), ms(pct(takeovers, 99)), ms(max(takeovers)));
        Files.writeString(Path.of("target/rapid-switches.md"), report, StandardCharsets.UTF_8);
        try {
            Histogram.write(Path.of("target/rapid-switches.png"), List.of(
                    new Histogram.Panel("two holders, overlap duration", overlaps, 1),
                    new Histogram.Panel("key write -> VIP added (incl. curl)", takeovers, 2)));
        } catch (Exception | Error e) {
            // the plot is a by-product for the report; the figures above are what the test judges
            System.out.println("rapid switches: plot not rendered (" + e + ")");
        }
        System.out.print(report);
        assertThat(settled).as("enough settled switches to judge").isGreaterThan(writes.size() / 4);
        assertThat(longOverlaps).as("switches with two holders for more than 50 ms").isZero();
        assertThat(missed).as("settled keys whose node did not hold the VIP within 100 ms").isZero();
    }

    private static long micros(String isoLocal) {
        LocalDateTime t = LocalDateTime.parse(isoLocal);
        return t.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli() * 1000 + (t.getNano() / 1000) % 1000;
    }

    private static Long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? null : sorted.get(Math.min(sorted.size() - 1,
                (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static Long max(List<Long> sorted) {
        return sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
    }

    private static String ms(Long micros) {
        return micros == null ? "-" : String.format("%.1f ms", micros / 1000.0);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
