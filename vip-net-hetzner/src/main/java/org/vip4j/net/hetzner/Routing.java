package org.vip4j.net.hetzner;

/**
 * Where the provider routes a failover or floating IP right now.
 *
 * @param here   whether it routes the IP to this server
 * @param target where it routes it, for log lines: an IP, {@code server 42}, or {@code nowhere}
 */
record Routing(boolean here, String target) {
}
