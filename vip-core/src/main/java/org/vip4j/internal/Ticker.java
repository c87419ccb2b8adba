package org.vip4j.internal;

/**
 * Monotonic milliseconds, the only time any deadline, timeout or lease is measured in. Wall time moves with NTP
 * steps, VM resumes and a hand-run {@code date}: a lease read from it can stretch to an hour or end at once, so wall
 * time is for log lines and event timestamps only. Production uses {@link #system()}; tests use a manual one.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface Ticker {

    /** Milliseconds since an arbitrary origin; only differences mean anything. */
    long millis();

    /** {@link System#nanoTime()} in milliseconds, counted from the first call so values stay small. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
