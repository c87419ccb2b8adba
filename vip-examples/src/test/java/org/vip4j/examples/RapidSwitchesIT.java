package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
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

    @Test
    void aThousandRandomSwitchesNeverLeaveTwoHoldersOrNone() throws Exception {
        try (Lab lab = Lab.up()) {
            lab.startAll();
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
            Path done = lab.logs().resolve("writes-done.log");
            Path script = lab.logs().resolve("switches.sh");
            writeScript(script, writes, done, new Random(seed), SWITCHES, "n1");
            Process writer = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-dcs", "bash", script.toString())
                    .redirectErrorStream(true).redirectOutput(lab.logs().resolve("writer.log").toFile()).start();
            assertThat(writer.waitFor(10, TimeUnit.MINUTES)).as("writer finished").isTrue();
            TimeUnit.SECONDS.sleep(1); // the last switch settles
            monitors.forEach(Process::destroy);
            for (Process m : monitors) {
                m.waitFor(5, TimeUnit.SECONDS);
            }
            analyse(lab, seed, SwitchTimeline.readWrites(writes), SwitchTimeline.readWrites(done));
        }
    }

    /**
     * Writes a bash script of {@code switches} key writes, each naming one of the two nodes that {@code from} (then
     * the previous write) does not, with random gaps of 0 to 200 ms; each write stamped into {@code writes} before
     * and {@code done} after. Returns the node the last write names.
     */
    static String writeScript(Path script, Path writes, Path done, Random random, int switches, String from)
            throws Exception {
        StringBuilder sb = new StringBuilder("#!/bin/bash\nset -e\n");
        String current = from;
        for (int i = 0; i < switches; i++) {
            List<String> others = new ArrayList<>(List.of("n1", "n2", "n3"));
            others.remove(current);
            current = others.get(random.nextInt(2));
            String json = "{\"key\":\"" + b64(Lab.KEY) + "\",\"value\":\"" + b64(current) + "\"}";
            // the write happened between the two stamps; latencies count from the first, and for a slow switch
            // the second tells how much of it the curl itself took
            sb.append(SideBySideBench.stamp(current, writes));
            sb.append("curl -sS --max-time 5 -X POST http://127.0.0.1:2379/v3/kv/put -d '").append(json)
                    .append("' > /dev/null\n");
            sb.append(SideBySideBench.stamp(current, done));
            int gap = random.nextInt(201);
            sb.append(String.format("sleep 0.%03d%n", gap));
        }
        Files.writeString(script, sb.toString());
        return current;
    }

    private static void analyse(Lab lab, long seed, List<SwitchTimeline.Write> writes, List<SwitchTimeline.Write> done)
            throws Exception {
        List<Path> monitors = List.of(lab.logs().resolve("monitor-n1.log"), lab.logs().resolve("monitor-n2.log"),
                lab.logs().resolve("monitor-n3.log"));
        SwitchTimeline t = new SwitchTimeline(monitors, Lab.VIP, 1, writes);
        long longOverlaps = t.longOverlaps(50_000);
        List<Long> curls = SideBySideBench.durations(writes, done);
        String report = String.format("# %d random leader switches (seed %d)%n%n"
                        + "| measure | value |%n|---|---|%n"
                        + "| switches written | %d |%n| settled keys (unchanged ≥ 100 ms) | %d |%n"
                        + "| settled keys whose node did not hold the VIP alone from write + 100 ms to the next write"
                        + " | %d |%n"
                        + "| periods with two holders | %d |%n| ... longer than 50 ms | %d |%n"
                        + "| overlap p50 / p99 / max | %s / %s / %s |%n"
                        + "| key write → VIP added on the named node (includes the curl that wrote it), p50 / p99 / "
                        + "max | %s / %s / %s |%n"
                        + "| key write → VIP gone from the previous holder, p50 / p99 / max | %s / %s / %s |%n"
                        + "| the curl that wrote the key, p50 / p99 / max | %s / %s / %s |%n",
                writes.size(), seed, writes.size(), t.settled, t.missed, t.overlaps.size(), longOverlaps,
                SwitchTimeline.ms(SwitchTimeline.pct(t.overlaps, 50)),
                SwitchTimeline.ms(SwitchTimeline.pct(t.overlaps, 99)), SwitchTimeline.ms(SwitchTimeline.max(t.overlaps)),
                SwitchTimeline.ms(SwitchTimeline.pct(t.takeovers, 50)),
                SwitchTimeline.ms(SwitchTimeline.pct(t.takeovers, 99)),
                SwitchTimeline.ms(SwitchTimeline.max(t.takeovers)),
                SwitchTimeline.ms(SwitchTimeline.pct(t.releases, 50)),
                SwitchTimeline.ms(SwitchTimeline.pct(t.releases, 99)),
                SwitchTimeline.ms(SwitchTimeline.max(t.releases)),
                SwitchTimeline.ms(SwitchTimeline.pct(curls, 50)), SwitchTimeline.ms(SwitchTimeline.pct(curls, 99)),
                SwitchTimeline.ms(SwitchTimeline.max(curls)));
        Files.writeString(Path.of("target/rapid-switches.md"), report, StandardCharsets.UTF_8);
        try {
            Histogram.write(Path.of("target/rapid-switches.png"), List.of(
                    new Histogram.Panel("two holders, overlap duration", t.overlaps, 1),
                    new Histogram.Panel("key write -> VIP added (incl. curl)", t.takeovers, 2)));
        } catch (Exception | Error e) {
            // the plot is a by-product for the report; the figures above are what the test judges
            System.out.println("rapid switches: plot not rendered (" + e + ")");
        }
        System.out.print(report);
        // a miss is a rare tail event: say which switch it was and where its time went, so the node logs can be read
        // at that instant
        for (int i : t.missedWrites) {
            SwitchTimeline.Write w = writes.get(i);
            long next = i + 1 < writes.size() ? writes.get(i + 1).micros() : w.micros() + 1_000_000;
            System.out.printf("rapid switches: missed switch %d to %s written at %s: curl took %s, VIP added on %s "
                            + "after %s, holders at write + 100 ms %s%n", i, w.node(), SwitchTimeline.iso(w.micros()),
                    i < done.size() ? SwitchTimeline.ms(done.get(i).micros() - w.micros()) : "-", w.node(),
                    SwitchTimeline.ms(t.added(i)), t.holdersAt(w.micros() + 100_000));
        }
        assertThat(t.settled).as("enough settled switches to judge").isGreaterThan(writes.size() / 4);
        assertThat(longOverlaps).as("switches with two holders for more than 50 ms").isZero();
        assertThat(t.missed).as("settled keys whose node did not hold the VIP within 100 ms").isZero();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
