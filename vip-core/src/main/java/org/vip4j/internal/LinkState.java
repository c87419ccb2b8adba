package org.vip4j.internal;

/**
 * What rtnetlink last said about the VIP's interface. Decides whether a VIP gone from it is re-added now or when the
 * interface is back, and what the log says meanwhile.
 *
 * <p>Internal: not part of the vip4j API.
 */
enum LinkState {
    /** Up and running (or nothing said otherwise since start). */
    UP,
    /** Down or without carrier; the interface exists. */
    DOWN,
    /** Deleted; one of the same name may be created again. */
    MISSING
}
