package org.vip4j.internal;

import java.time.Duration;

/**
 * Why a node acquires the VIP, which decides how it probes first (invariant 3).
 *
 * <p>Internal: not part of the vip4j API.
 */
enum AcquisitionCause {

    /** The key moved to this node from another one or from a delete, as watched: the DCS explains the old owner. */
    HANDOVER,
    /** Start-up, a retry, the DCS back: nothing explains an owner; probe for the full window. */
    UNEXPLAINED,
    /**
     * The VIP went missing from the interface while this node held it on a fresh confirmation: probe briefly
     * ({@link #MISSING_PROBE_WINDOW}), since any other owner would have appeared in the last moments and answers at
     * kernel speed; if one does answer, the full conflict procedure follows.
     */
    WENT_MISSING;

    /** A host on the segment answers an ARP probe in well under a millisecond; three probes fit in this window. */
    static final Duration MISSING_PROBE_WINDOW = Duration.ofMillis(5);
}
