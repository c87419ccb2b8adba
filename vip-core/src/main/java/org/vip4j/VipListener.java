package org.vip4j;

/**
 * Receives a {@link VipManager}'s events.
 *
 * <p>Events arrive one at a time, in the order they happened, on the manager's loop thread or on the
 * {@link java.util.concurrent.Executor} given with the listener. Each event carries its own states; by the time
 * a listener runs, {@link VipManager#state()} may already show a later one, and the event for that change then
 * follows shortly. A listener that throws is logged by class name and skipped; the others still run. A listener
 * must not block the loop thread: give it an executor if it does slow work. Calling back into the manager from a
 * listener is allowed and never waits for the loop.
 */
@FunctionalInterface
public interface VipListener {

    void onEvent(VipEvent event);
}
