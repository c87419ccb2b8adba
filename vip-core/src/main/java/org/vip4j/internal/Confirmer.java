package org.vip4j.internal;

import java.util.function.LongConsumer;
import org.vip4j.spi.DcsClient;

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

    /** Confirmations asked through {@code requests}; reconnect hints and what the DCS can name go to {@code dcs}. */
    static Confirmer of(DcsClient dcs, LongConsumer requests) {
        return new Confirmer() {
            @Override
            public void requestConfirm(long ticket) {
                requests.accept(ticket);
            }

            @Override
            public void reconnect(String why) {
                dcs.reconnect(why);
            }

            @Override
            public boolean namesTheLeader() {
                return dcs.namesTheLeader();
            }
        };
    }
}
