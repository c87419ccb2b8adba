package org.vip4j.internal;

/**
 * Asks the promote-check whether the local PostgreSQL is primary, off the loop thread (an HTTP call to Patroni's
 * REST API may take up to its timeout); the answer comes back through {@link VipStateMachine#onPromoteAnswer} with
 * the same {@code ticket}, so an answer meant for an acquisition that has ended is recognised and dropped.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface PromoteAsker {
    void ask(long ticket);
}
