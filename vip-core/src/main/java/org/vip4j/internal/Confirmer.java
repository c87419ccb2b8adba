package org.vip4j.internal;

/**
 * Asks the DCS for a linearizable read, off the loop thread; the result comes back through
 * {@link VipStateMachine#onConfirmed}.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface Confirmer {
    void requestConfirm();
}
