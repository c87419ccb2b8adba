package org.vip4j.dcs.etcd;

import org.vip4j.spi.LeaderObservation;

/** The state an observation describes, without its revision: what decides whether a re-read found news. */
final class ObservationText {

    private ObservationText() {
    }

    static String of(LeaderObservation o) {
        if (o instanceof LeaderObservation.Leader l) {
            return "leader " + l.value();
        }
        return o instanceof LeaderObservation.NoLeader ? "no leader" : "unreachable";
    }
}
