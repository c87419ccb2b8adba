package org.vip4j.spi;

import java.util.Objects;

/**
 * What a {@link DcsClient} saw of the leader key. Exactly one of three things.
 */
public sealed interface LeaderObservation {

    /**
     * The key holds {@code value}.
     *
     * @param value    the key's value, e.g. the Patroni member name
     * @param revision the DCS's modification revision of that value (etcd mod_revision, Consul ModifyIndex), or 0
     *                 where the DCS has none (Patroni REST). Only used to discard a confirmation older than what a
     *                 watch already delivered; the client itself guarantees watch order.
     */
    record Leader(String value, long revision) implements LeaderObservation {
        public Leader {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * The key is absent: nobody leads (Patroni deleted it on shutdown, or its lease expired).
     *
     * @param revision the DCS revision at which the absence was seen, or 0
     */
    record NoLeader(long revision) implements LeaderObservation {
    }

    /**
     * The DCS could not be asked. Not "no leader": a node must not act on what it cannot see.
     *
     * @param reason a sentence for the log: which endpoint, what failed. Never contains credentials.
     */
    record Unreachable(String reason) implements LeaderObservation {
        public Unreachable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The revision, or 0 for {@link Unreachable}. */
    default long revision() {
        return 0L;
    }
}
