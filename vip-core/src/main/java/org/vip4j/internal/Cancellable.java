package org.vip4j.internal;

/**
 * Stops an effect that runs off the loop thread.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface Cancellable {
    void cancel();
}
