package org.vip4j.internal;

import java.time.Duration;

/**
 * Prints durations the way they are configured: {@code 250ms}, {@code 3s}, {@code 1m}.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class Durations {

    private Durations() {
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
