package org.vip4j.spi;

/** A running watch of one key, as returned by {@link DcsClient#watch}. Closing it is idempotent. */
public interface DcsWatch extends AutoCloseable {

    /** Stops delivering observations; after it returns the sink is not called again. */
    @Override
    void close();
}
