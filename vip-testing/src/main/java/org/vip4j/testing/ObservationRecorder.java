package org.vip4j.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.vip4j.spi.LeaderObservation;

/** A watch sink that keeps what it got and lets a test wait, without polling, for an observation it expects. */
public final class ObservationRecorder implements Consumer<LeaderObservation> {

    private final List<LeaderObservation> seen = new ArrayList<>();

    @Override
    public synchronized void accept(LeaderObservation obs) {
        seen.add(obs);
        notifyAll();
    }

    public synchronized List<LeaderObservation> all() {
        return List.copyOf(seen);
    }

    /** The values of Leader observations so far, with consecutive repeats folded (re-reads repeat a value). */
    public synchronized List<String> distinctStates() {
        List<String> out = new ArrayList<>();
        for (LeaderObservation o : seen) {
            String s = describe(o);
            if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Waits for an observation after index {@code from} that matches; returns its index.
     *
     * @throws AssertionError naming what was seen when {@code timeout} runs out
     */
    public synchronized int await(int from, Predicate<LeaderObservation> match, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = from; i < seen.size(); i++) {
                if (match.test(seen.get(i))) {
                    return i;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + timeout + "; seen: " + seen);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    public synchronized int size() {
        return seen.size();
    }

    /** {@code Leader(n1)}, {@code NoLeader} or {@code Unreachable}: revisions left out. */
    public static String describe(LeaderObservation o) {
        if (o instanceof LeaderObservation.Leader l) {
            return "Leader(" + l.value() + ")";
        }
        return o instanceof LeaderObservation.NoLeader ? "NoLeader" : "Unreachable";
    }

    public static Predicate<LeaderObservation> leader(String value) {
        return o -> o instanceof LeaderObservation.Leader l && l.value().equals(value);
    }

    public static Predicate<LeaderObservation> noLeader() {
        return o -> o instanceof LeaderObservation.NoLeader;
    }

    public static Predicate<LeaderObservation> unreachable() {
        return o -> o instanceof LeaderObservation.Unreachable;
    }
}
