package org.vip4j.net.linux.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes, for state only visible by asking (an `ip neigh` entry);
 * the short poll interval bounds the wait, the deadline bounds the test.
 */
public final class Eventually {

    private Eventually() {
    }

    /**
     * Returns the first value of {@code probe} accepted by {@code accept}.
     *
     * @throws AssertionError with {@code what} and the last value seen when the timeout passes
     */
    public static <T> T await(String what, Duration timeout, Supplier<T> probe, java.util.function.Predicate<T> accept) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!accept.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            last = probe.get();
        }
        return last;
    }
}
