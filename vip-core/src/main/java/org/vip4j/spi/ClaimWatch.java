package org.vip4j.spi;

/** A running {@link AddressManager#watchForClaim}; closing it stops the listening. */
@FunctionalInterface
public interface ClaimWatch extends AutoCloseable {

    /** Stops listening; idempotent, never blocks for long. A claim already being reported is still reported. */
    @Override
    void close();
}
