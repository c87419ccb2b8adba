package org.vip4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.noLeader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * The standard every {@link DcsClient} is held to. A provider's test extends this class, starts its DCS (real or a
 * wire-protocol double) and implements the hooks; the tests here then check the SPI contract: the initial state is
 * delivered, changes arrive in order, an outage is reported, the client recovers, confirm reads the current value
 * and never outlives its deadline.
 */
public abstract class DcsClientContract {

    /** Generous bound for things that should take milliseconds; a failure names what was seen. */
    protected static final Duration WAIT = Duration.ofSeconds(15);

    /** A new client for the DCS under test; closed by the test. */
    protected abstract DcsClient newClient() throws Exception;

    /** The key the tests follow. */
    protected abstract String key();

    /** Makes the key hold {@code value} (one of {@link #valueA()}, {@link #valueB()}). */
    protected abstract void write(String value) throws Exception;

    /** Removes the key; only called when {@link #supportsAbsentKey()}. */
    protected abstract void delete() throws Exception;

    /** Stops the DCS (or makes it refuse connections). */
    protected abstract void stopDcs() throws Exception;

    /** Starts it again, keeping its data. */
    protected abstract void startDcs() throws Exception;

    /** A leader value this DCS can hold. */
    protected String valueA() {
        return "n1";
    }

    /** Another leader value this DCS can hold. */
    protected String valueB() {
        return "n2";
    }

    /** False for DCS types that cannot tell "absent" from "another value" (Patroni REST). */
    protected boolean supportsAbsentKey() {
        return true;
    }

    @Test
    void deliversTheValueWrittenBeforeTheWatchStarted() throws Exception {
        write(valueA());
        try (DcsClient client = newClient()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key(), rec)) {
                rec.await(0, leader(valueA()), WAIT, "initial Leader(" + valueA() + ")");
                assertThat(rec.all()).noneMatch(unreachable());
            }
        }
    }

    @Test
    void deliversChangesInOrder() throws Exception {
        write(valueA());
        try (DcsClient client = newClient()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key(), rec)) {
                int i = rec.await(0, leader(valueA()), WAIT, "Leader(" + valueA() + ")");
                write(valueB());
                i = rec.await(i + 1, leader(valueB()), WAIT, "Leader(" + valueB() + ")");
                if (supportsAbsentKey()) {
                    delete();
                    i = rec.await(i + 1, noLeader(), WAIT, "NoLeader after delete");
                }
                write(valueA());
                rec.await(i + 1, leader(valueA()), WAIT, "Leader(" + valueA() + ") again");
                String expected = supportsAbsentKey()
                        ? "[Leader(" + valueA() + "), Leader(" + valueB() + "), NoLeader, Leader(" + valueA() + ")]"
                        : "[Leader(" + valueA() + "), Leader(" + valueB() + "), Leader(" + valueA() + ")]";
                assertThat(rec.distinctStates()).hasToString(expected);
            }
        }
    }

    @Test
    void reportsAnAbsentKeyAsNoLeader() throws Exception {
        if (!supportsAbsentKey()) {
            return;
        }
        delete();
        try (DcsClient client = newClient()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key(), rec)) {
                rec.await(0, noLeader(), WAIT, "NoLeader for an absent key");
                assertThat(confirm(client, Duration.ofSeconds(5))).isInstanceOf(LeaderObservation.NoLeader.class);
            }
        }
    }

    @Test
    void confirmReadsTheCurrentValue() throws Exception {
        write(valueB());
        try (DcsClient client = newClient()) {
            LeaderObservation obs = confirm(client, Duration.ofSeconds(5));
            assertThat(obs).isInstanceOf(LeaderObservation.Leader.class);
            assertThat(((LeaderObservation.Leader) obs).value()).isEqualTo(valueB());
        }
    }

    @Test
    void reportsAnOutageAndRecovers() throws Exception {
        write(valueA());
        try (DcsClient client = newClient()) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = client.watch(key(), rec)) {
                int i = rec.await(0, leader(valueA()), WAIT, "Leader(" + valueA() + ")");
                stopDcs();
                i = rec.await(i + 1, unreachable(), WAIT, "Unreachable after the DCS stopped");
                LeaderObservation during = confirm(client, Duration.ofSeconds(1));
                assertThat(during).isInstanceOf(LeaderObservation.Unreachable.class);
                startDcs();
                write(valueB());
                rec.await(i + 1, leader(valueB()), WAIT.multipliedBy(2), "Leader(" + valueB() + ") after recovery");
                assertThat(confirm(client, Duration.ofSeconds(5))).isEqualTo(lastLeader(rec));
            }
        }
    }

    @Test
    void confirmNeverOutlivesItsDeadline() throws Exception {
        write(valueA());
        try (DcsClient client = newClient()) {
            stopDcs();
            long start = System.nanoTime();
            LeaderObservation obs = confirm(client, Duration.ofMillis(500));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(obs).isInstanceOf(LeaderObservation.Unreachable.class);
            assertThat(tookMs).as("confirm with a 500 ms deadline took %d ms", tookMs).isLessThan(3_000);
        } finally {
            startDcs();
        }
    }

    /** Confirms, turning an exceptional completion into Unreachable as the core does. */
    protected LeaderObservation confirm(DcsClient client, Duration timeout) throws InterruptedException {
        CompletableFuture<LeaderObservation> f = client.confirm(key(), timeout);
        try {
            return f.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return new LeaderObservation.Unreachable(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            throw new AssertionError("confirm(" + timeout + ") did not complete within its deadline + 5 s");
        }
    }

    private static LeaderObservation lastLeader(ObservationRecorder rec) {
        LeaderObservation last = null;
        for (LeaderObservation o : rec.all()) {
            if (o instanceof LeaderObservation.Leader) {
                last = o;
            }
        }
        return last;
    }
}
