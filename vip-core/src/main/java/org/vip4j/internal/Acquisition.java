package org.vip4j.internal;

import java.io.IOException;
import java.util.Optional;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent.Kind;

/**
 * How one acquisition goes, whatever started it: probe for another owner unless the DCS explains one, wait while a
 * foreign owner answers (up to takeover-timeout), add, announce. The state machine decides when to acquire and what
 * state follows; this class only does the steps and says how they went.
 *
 * <p>Internal: not part of the vip4j API.
 */
final class Acquisition {

    /** How a step of the acquisition ended. */
    sealed interface Outcome {
        /** The VIP is on the interface (and announced, unless that failed with a warning). */
        record Held(String tookOverFrom) implements Outcome {
        }

        /** Another host answers; probe again at {@link ConflictWatch#nextProbeAt()}. */
        record Waiting() implements Outcome {
        }

        /** Adding failed; the reason is for the event. */
        record Failed(String reason) implements Outcome {
        }
    }

    /** Emits the CONFLICT notices an acquisition produces along the way. */
    @FunctionalInterface
    interface Notices {
        void notice(Kind kind, String reason);
    }

    private final VipConfig config;
    private final AddressCalls address;
    private final ConflictWatch conflict;
    private final Transitions out;

    Acquisition(VipConfig config, AddressCalls address, Transitions out) {
        this.config = config;
        this.address = address;
        this.conflict = new ConflictWatch(config.takeoverTimeout());
        this.out = out;
    }

    ConflictWatch conflict() {
        return conflict;
    }

    /**
     * One attempt at {@code now}. {@code explained}: the DCS explains any current owner (a handover this node
     * watched), so no probe holds the add back.
     */
    Outcome attempt(long now, boolean explained, Notices notices) {
        String tookOverFrom = null;
        if (!explained) {
            Optional<String> owner = Optional.empty();
            try {
                owner = address.probe(conflict.probeWindow());
            } catch (IOException e) {
                out.warn("conflict probe for " + config.virtualAddress() + " failed (" + e.getMessage()
                        + "); adding without it");
            }
            switch (conflict.judge(now, owner)) {
                case FIRST_SEEN -> {
                    notices.notice(Kind.CONFLICT, owner.orElseThrow() + " answers for "
                            + config.ip().getHostAddress() + " and the DCS does not explain it; not adding for up to "
                            + "takeover-timeout " + Durations.format(config.takeoverTimeout()));
                    return new Outcome.Waiting();
                }
                case WAIT -> {
                    return new Outcome.Waiting();
                }
                case TAKE_OVER -> {
                    tookOverFrom = owner.orElseThrow();
                    notices.notice(Kind.CONFLICT, "taking over " + config.ip().getHostAddress() + " from "
                            + tookOverFrom + ": it still answers after takeover-timeout and the DCS still names "
                            + "this node");
                }
                case ADD -> {
                }
            }
        }
        try {
            address.add();
        } catch (IOException e) {
            return new Outcome.Failed("adding the VIP failed: " + e.getMessage() + "; retrying in "
                    + Durations.format(config.retryTimeout()));
        }
        try {
            address.announce();
        } catch (IOException e) {
            out.warn("VIP added but announcing it failed (" + e.getMessage() + "); clients may reach the old "
                    + "holder until their ARP caches expire");
        }
        return new Outcome.Held(tookOverFrom);
    }
}
