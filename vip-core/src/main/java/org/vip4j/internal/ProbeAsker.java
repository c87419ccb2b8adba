package org.vip4j.internal;

import java.time.Duration;

/**
 * Sends a conflict probe for the VIP and listens for {@code window}, off the loop (the window is up to 200 ms, and
 * the loop must see a key that moves away meanwhile before it adds anything). The answer comes back through
 * {@link VipStateMachine#onProbeAnswer} with the same {@code ticket}, so one meant for an acquisition that has ended
 * is recognised and dropped.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface ProbeAsker {
    void ask(long ticket, Duration window);
}
