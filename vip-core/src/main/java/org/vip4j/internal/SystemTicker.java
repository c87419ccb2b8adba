package org.vip4j.internal;

/** {@link Ticker#system()}: {@link System#nanoTime()}, from an origin taken once per JVM. */
enum SystemTicker implements Ticker {
    INSTANCE;

    private final long origin = System.nanoTime();

    @Override
    public long millis() {
        return (System.nanoTime() - origin) / 1_000_000;
    }
}
