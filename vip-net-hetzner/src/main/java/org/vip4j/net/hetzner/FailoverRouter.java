package org.vip4j.net.hetzner;

import java.io.IOException;
import org.vip4j.VirtualAddress;

/**
 * The provider's side of a failover IP: where it routes the IP, and asking it to route the IP here. There is no
 * "stop routing it here": a route always names one server, so it cannot split the IP between two, and taking it
 * away can only leave it on none (or, racing the next holder's call, take it from that one). Each call ends
 * by its deadline, a {@link System#nanoTime()} instant; any answer other than success is an {@link IOException}.
 */
interface FailoverRouter {

    /** For log lines: {@code Hetzner Robot}, {@code Hetzner Cloud}. */
    String service();

    /** For log lines: how the provider names this server. */
    String thisServer();

    Routing lookup(VirtualAddress vip, long deadlineNanos) throws IOException;

    /** Routes the IP here; returns once the provider says it is done. */
    void routeHere(VirtualAddress vip, long deadlineNanos) throws IOException;
}
