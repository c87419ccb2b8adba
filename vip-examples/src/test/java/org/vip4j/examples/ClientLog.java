package org.vip4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code scripts/pg-client.py} saw: every write attempt through the VIP (or the floor client's multi-host
 * connection), when it was acknowledged and by which node. Times in microseconds of the wall clock the lab's other
 * logs share.
 */
final class ClientLog {

    /** One acknowledged write: sent and acked by this client, committed at {@code serverMicros} on {@code node}. */
    record Ack(long sentMicros, long ackMicros, long seq, String node, long serverMicros) {
    }

    /** One failed attempt and the reason the driver gave. */
    record Failure(long sentMicros, long seq, String reason) {
    }

    final List<Ack> acks = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();

    ClientLog(Path log) throws Exception {
        for (String line : Files.readAllLines(log)) {
            String[] p = line.split(" ", 5);
            if (p[0].equals("ok")) {
                String[] q = p[4].split(" ");
                acks.add(new Ack(micros(p[1]), micros(p[2]), Long.parseLong(p[3]), q[0], micros(q[1])));
            } else if (p[0].equals("err")) {
                failures.add(new Failure(micros(p[1]), Long.parseLong(p[3]), p.length > 4 ? p[4] : ""));
            }
        }
    }

    /**
     * The client's write outage caused by an event at {@code atMicros}: from the last acknowledged write before the
     * first failure after the event to the first acknowledged write after that failure. Zero when nothing failed
     * before {@code untilMicros}.
     */
    long outageAfter(long atMicros, long untilMicros) {
        Failure first = failures.stream().filter(f -> f.sentMicros() >= atMicros && f.sentMicros() < untilMicros)
                .findFirst().orElse(null);
        if (first == null) {
            return 0;
        }
        long before = acks.stream().filter(a -> a.ackMicros() <= first.sentMicros()).mapToLong(Ack::ackMicros)
                .max().orElse(atMicros);
        long after = acks.stream().filter(a -> a.sentMicros() > first.sentMicros()).mapToLong(Ack::ackMicros)
                .min().orElse(untilMicros);
        return after - before;
    }

    /** The reasons of the failures in [from, to), with how often each came, for a report. */
    TreeMap<String, Integer> reasons(long fromMicros, long toMicros) {
        TreeMap<String, Integer> out = new TreeMap<>();
        for (Failure f : failures) {
            if (f.sentMicros() >= fromMicros && f.sentMicros() < toMicros) {
                out.merge(shortReason(f.reason()), 1, Integer::sum);
            }
        }
        return out;
    }

    /** Acknowledged writes missing from {@code committed} (the sequence numbers the final primary has). */
    List<Ack> lost(Set<Long> committed) {
        return acks.stream().filter(a -> !committed.contains(a.seq())).toList();
    }

    private static String shortReason(String reason) {
        for (String known : List.of("Connection refused", "No route to host", "timeout expired", "read-only",
                "server closed the connection", "terminating connection", "Connection timed out",
                "the database system is shutting down", "the database system is starting up")) {
            if (reason.contains(known)) {
                return known;
            }
        }
        return reason.length() > 60 ? reason.substring(0, 60) : reason;
    }

    static long micros(String unixSeconds) {
        int dot = unixSeconds.indexOf('.');
        String frac = (unixSeconds.substring(dot + 1) + "000000").substring(0, 6);
        return Long.parseLong(unixSeconds.substring(0, dot)) * 1_000_000 + Long.parseLong(frac);
    }
}
