package org.vip4j.internal;

/**
 * Asks the DCS for a linearizable read, off the loop thread; the result comes back through
 * {@link VipStateMachine#onConfirmed}.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface Confirmer {
    /** Asks for confirmation {@code ticket}; its answer goes to {@code onConfirmed(ticket, ...)}. */
    void requestConfirm(long ticket);

    /** Connections to the DCS may be stuck behind lost packets (see {@code DcsClient.reconnect}). */
    default void reconnect(String why) {
    }

    /** See {@code DcsClient.namesTheLeader}. */
    default boolean namesTheLeader() {
        return true;
    }
}
