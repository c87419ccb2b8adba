package org.vip4j;

/**
 * What a holder does once the DCS has not confirmed its leadership for {@code retry-num × keepalive-period}.
 * Read in one place, the state machine's DCS-loss check.
 */
public enum DcsLossPolicy {
    /**
     * Remove the VIP. The default: a node cut off from the DCS cannot know whether Patroni already made another
     * node leader, and the release happens long before Patroni's leader TTL (30 s) could elect one.
     */
    RELEASE,
    /**
     * Keep the VIP while the DCS is unreachable, for operators who run Patroni's failsafe mode, where the primary
     * keeps running while it can reach all its members. Without failsafe mode this risks two holders.
     */
    KEEP;

    /** The spelling used in files, flags and the environment. */
    public String configValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
