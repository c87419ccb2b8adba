package org.vip4j.internal;

/**
 * Starts the old holder's half of a make-before-break handover off the loop thread: listen for another host claiming
 * the VIP and remove it the moment one does; the result comes back through {@link VipStateMachine#onHandedOver} with
 * {@code ticket}. Once the returned handle's {@link Cancellable#cancel()} returned, no removal starts (one already
 * under way still reports).
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface SuccessorWatcher {
    Cancellable watch(long ticket);
}
