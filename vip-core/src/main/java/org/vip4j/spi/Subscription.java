package org.vip4j.spi;

/** Something an {@link AddressManager} watches for its caller until closed (claims, interface changes). */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** Stops the watch; idempotent, never blocks for long. A report already under way may still arrive. */
    @Override
    void close();
}
