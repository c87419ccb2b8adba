package org.vip4j.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test says so: the monotonic ticker every deadline runs on, and a wall clock for the
 * events' timestamps that a test can also step on its own ({@link #stepWall}), as NTP or {@code date} would. Thread-safe.
 */
public final class ManualClock extends Clock {

    private final AtomicLong millis;
    private final AtomicLong wallOffset = new AtomicLong();

    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public ManualClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock does not go back: " + d);
        }
        millis.addAndGet(d.toMillis());
    }

    /** Steps the wall clock only, either way; the ticker does not move. */
    public void stepWall(Duration d) {
        wallOffset.addAndGet(d.toMillis());
    }

    /**
     * The ticker: monotonic milliseconds, what every deadline runs on (a test hands {@code clock::millis} where a
     * monotonic source is asked for); the wall clock is {@link #instant()}.
     */
    @Override
    public long millis() {
        return millis.get();
    }

    /** The wall clock: the ticker plus every {@link #stepWall}. */
    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get() + wallOffset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("ManualClock is always UTC");
    }
}
