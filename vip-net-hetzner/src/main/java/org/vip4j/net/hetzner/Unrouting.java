package org.vip4j.net.hetzner;

/** What a {@link FailoverRouter} did when this node let go of an IP. */
enum Unrouting {
    /** The IP was routed here and no longer is. */
    UNROUTED,
    /** The IP was not routed here (another server took it, or nobody has it): nothing to do. */
    NOT_HERE,
    /** The IP stays routed here; the next holder's routing call moves it. */
    KEPT
}
