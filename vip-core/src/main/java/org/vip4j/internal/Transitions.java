package org.vip4j.internal;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipEvent;
import org.vip4j.VipEvent.Kind;
import org.vip4j.VipState;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.LeaderObservation;

/**
 * Where the state machine's news goes: one log line and one {@link VipEvent} per transition or notable
 * observation, in that order, from the loop thread. Log lines start with the VIP and the node, so an operator
 * reading the log of a multi-VIP process knows which one changed.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class Transitions {

    /** The logger operators configure: {@code org.vip4j.VipManager}. */
    static final Logger LOG = LoggerFactory.getLogger("org.vip4j.VipManager");

    private static final Set<Kind> DEGRADED = EnumSet.of(Kind.DCS_LOST, Kind.TAKEOVER_FAILED, Kind.RELEASE_FAILED,
            Kind.CONFLICT, Kind.LEASE_LOST, Kind.RESIGNED, Kind.INELIGIBLE);

    private final VirtualAddress vip;
    private final String prefix;
    /** Wall time, for the events' timestamps only: people read them; no decision does. */
    private final Clock wallClock;
    private final ListenerRegistry listeners;

    /** Receives each log line with its level; tests record them, production writes them to SLF4J. */
    @FunctionalInterface
    interface LogSink {
        void log(String level, String line);
    }

    private final LogSink logSink;

    public Transitions(VirtualAddress vip, String node, Clock wallClock, ListenerRegistry listeners) {
        this(vip, node, wallClock, listeners, Transitions::toSlf4j);
    }

    Transitions(VirtualAddress vip, String node, Clock wallClock, ListenerRegistry listeners, LogSink logSink) {
        this.logSink = logSink;
        this.vip = vip;
        this.prefix = "VIP " + vip + ", node " + node + ": ";
        this.wallClock = wallClock;
        this.listeners = listeners;
    }

    public void emit(Kind kind, VipState from, VipState to, String leader, boolean holding, String reason) {
        String head = from == to ? from + " (" + kind + ")" : from + " -> " + to + " (" + kind + ")";
        logSink.log(DEGRADED.contains(kind) ? "WARN" : "INFO", prefix + head + ": " + reason);
        listeners.fire(new VipEvent(kind, vip, from, to, leader, holding, reason, wallClock.instant()));
    }

    /** {@code leader key /k names this node (n1) (was n2), revision 7}: what an observation changed. */
    static String describeChange(String key, String me, String previous, boolean wasKnown, LeaderObservation obs) {
        String now = obs instanceof LeaderObservation.Leader l
                ? (me.equals(l.value()) ? "this node (" + l.value() + ")" : l.value()) : null;
        String was = !wasKnown ? "" : " (was " + (previous == null ? "absent" : previous) + ")";
        String rev = obs.revision() > 0 ? ", revision " + obs.revision() : "";
        return now == null ? "leader key " + key + " is absent" + was + rev
                : "leader key " + key + " names " + now + was + rev;
    }

    public void warn(String message) {
        logSink.log("WARN", prefix + message);
    }

    public void info(String message) {
        logSink.log("INFO", prefix + message);
    }

    public void debug(String message) {
        logSink.log("DEBUG", prefix + message);
    }

    public void trace(String message) {
        logSink.log("TRACE", prefix + message);
    }

    private static void toSlf4j(String level, String line) {
        switch (level) {
            case "WARN" -> LOG.warn(line);
            case "INFO" -> LOG.info(line);
            case "DEBUG" -> LOG.debug(line);
            default -> LOG.trace(line);
        }
    }
}
