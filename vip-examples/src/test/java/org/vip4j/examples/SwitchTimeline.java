package org.vip4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who held the VIP when, rebuilt from {@code ip -ts -o monitor address} logs of the three nodes, judged against the
 * timestamped key writes: takeover and release latencies, periods with two holders, settled keys not honoured.
 * All times in microseconds of the wall clock, which the writer and the monitors share (one kernel).
 */
final class SwitchTimeline {

    /** One key write: when, and the node it names. */
    record Write(long micros, String node) {
    }

    final List<Long> takeovers = new ArrayList<>();
    final List<Long> releases = new ArrayList<>();
    final List<Long> overlaps = new ArrayList<>();
    /** Periods with nobody holding the VIP, once somebody had it: where a client's packets go nowhere. */
    final List<Long> gaps = new ArrayList<>();
    /** Every period with no holder and with two, as {start, length}, in time order. */
    final List<long[]> gapPeriods = new ArrayList<>();
    final List<long[]> overlapPeriods = new ArrayList<>();
    int settled;
    int missed;
    /** Indices (into the writes) of the settled keys that were not honoured. */
    final List<Integer> missedWrites = new ArrayList<>();
    private List<Write> judged = List.of();

    private final TreeMap<Long, List<int[]>> events = new TreeMap<>();
    private final TreeMap<Long, Set<Integer>> timeline = new TreeMap<>();

    SwitchTimeline(List<Path> monitorLogs, String vip, int initialHolder, List<Write> writes) throws Exception {
        for (int n = 1; n <= monitorLogs.size(); n++) {
            for (String line : Files.readAllLines(monitorLogs.get(n - 1))) {
                if (!line.startsWith("[") || !line.contains(" " + vip + "/")) {
                    continue;
                }
                long t = micros(line.substring(1, line.indexOf(']')));
                events.computeIfAbsent(t, k -> new ArrayList<>()).add(new int[] {n, line.contains("] Deleted ")
                        ? -1 : 1});
            }
        }
        sweep(initialHolder);
        judge(writes);
        Collections.sort(takeovers);
        Collections.sort(releases);
        Collections.sort(overlaps);
        Collections.sort(gaps);
    }

    long longOverlaps(long thresholdMicros) {
        return overlaps.stream().filter(o -> o > thresholdMicros).count();
    }

    private void sweep(int initialHolder) {
        Set<Integer> holders = new HashSet<>(initialHolder > 0 ? List.of(initialHolder) : List.of());
        long overlapStart = -1;
        long gapStart = -1;
        boolean held = !holders.isEmpty();
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
                overlapPeriods.add(new long[] {overlapStart, e.getKey() - overlapStart});
                overlapStart = -1;
            }
            if (holders.isEmpty() && held && gapStart < 0) {
                gapStart = e.getKey();
            } else if (!holders.isEmpty() && gapStart >= 0) {
                gaps.add(e.getKey() - gapStart);
                gapPeriods.add(new long[] {gapStart, e.getKey() - gapStart});
                gapStart = -1;
            }
            held |= !holders.isEmpty();
            timeline.put(e.getKey(), Set.copyOf(holders));
        }
    }

    private void judge(List<Write> writes) {
        judged = writes;
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            long next = i + 1 < writes.size() ? writes.get(i + 1).micros() : w.micros() + 1_000_000;
            int node = Integer.parseInt(w.node().substring(1));
            Set<Integer> before = timeline.floorEntry(w.micros()).getValue();
            Long added = first(w.micros(), next, node, 1);
            if (added != null) {
                takeovers.add(added - w.micros());
            }
            for (int old : before) {
                if (old != node) {
                    Long removed = first(w.micros(), next, old, -1);
                    if (removed != null) {
                        releases.add(removed - w.micros());
                    }
                }
            }
            if (next - w.micros() < 100_000) {
                continue;
            }
            settled++;
            for (long t = w.micros() + 100_000; t < next; t += 10_000) {
                if (!timeline.floorEntry(t).getValue().equals(Set.of(node))) {
                    missed++;
                    missedWrites.add(i);
                    break;
                }
            }
        }
    }

    /** How long after write {@code i} its node gained the VIP (before the next write), or null. */
    Long added(int i) {
        Write w = judged.get(i);
        long next = i + 1 < judged.size() ? judged.get(i + 1).micros() : w.micros() + 1_000_000;
        Long at = first(w.micros(), next, Integer.parseInt(w.node().substring(1)), 1);
        return at == null ? null : at - w.micros();
    }

    /** The nodes holding the VIP at {@code micros}, as "[n1, n3]". */
    String holdersAt(long micros) {
        return timeline.floorEntry(micros).getValue().stream().sorted().map(n -> "n" + n).toList().toString();
    }

    static String iso(long micros) {
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1000),
                ZoneId.systemDefault()).toString();
    }

    /** When node {@code node} first gained ({@code delta} 1) or lost (-1) the VIP in [from, to), or null. */
    Long first(long from, long to, int node, int delta) {
        for (var e : events.subMap(from, to).entrySet()) {
            for (int[] change : e.getValue()) {
                if (change[0] == node && change[1] == delta) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    static long micros(String isoLocal) {
        LocalDateTime t = LocalDateTime.parse(isoLocal);
        return t.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli() * 1000 + (t.getNano() / 1000) % 1000;
    }

    static List<Write> readWrites(Path writes) throws Exception {
        List<Write> out = new ArrayList<>();
        for (String line : Files.readAllLines(writes)) {
            String[] p = line.split(" ");
            out.add(new Write(micros(p[0]), p[1]));
        }
        return out;
    }

    static Long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? null : sorted.get(Math.min(sorted.size() - 1,
                (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static Long max(List<Long> sorted) {
        return sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
    }

    static String ms(Long micros) {
        return micros == null ? "-" : String.format("%.1f ms", micros / 1000.0);
    }
}
