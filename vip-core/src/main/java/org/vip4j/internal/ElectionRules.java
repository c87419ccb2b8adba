package org.vip4j.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.vip4j.ConfigKey;
import org.vip4j.ConfigSource;
import org.vip4j.DcsLossPolicy;

/**
 * The rules between the election keys and the rest (DESIGN section 9): which DCS can arbitrate, and a lease a holder
 * can renew in time and give up before it can expire on the server.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class ElectionRules {

    /**
     * What a holder keeps between its local end of the lease and the server's: the removal of the VIP and a late
     * timer (a busy host) fit in it. See {@link Campaign}.
     */
    static final Duration SAFETY = Duration.ofMillis(250);

    private static final List<ConfigKey> HEALTH_KEYS = List.of(ConfigKey.ELECTION_TTL, ConfigKey.HEALTH_CHECK,
            ConfigKey.HEALTH_INTERVAL, ConfigKey.HEALTH_TIMEOUT, ConfigKey.HEALTH_RISE, ConfigKey.HEALTH_FALL,
            ConfigKey.FALLBACK_CHECK, ConfigKey.FALLBACK_DELAY, ConfigKey.ELECTION_HOLD_DOWN);

    private ElectionRules() {
    }

    static void check(String dcsType, Map<ConfigKey, ConfigValidator.Value> values, List<String> problems,
                      List<String> warnings) {
        ConfigValidator.Value election = values.get(ConfigKey.ELECTION);
        if (election == null || !(Boolean) election.value()) {
            for (ConfigKey key : HEALTH_KEYS) {
                ConfigValidator.Value v = values.get(key);
                if (v != null && v.source() != ConfigSource.DEFAULT) {
                    warnings.add(v.spelledAs() + "=" + v.shown() + " is set but election is false: it applies only "
                            + "to elected VIPs and is ignored");
                }
            }
            return;
        }
        String head = election.spelledAs() + "=true: ";
        if (dcsType.equals("patroni")) {
            problems.add(head + "dcs-type=patroni cannot elect: Patroni's REST API reads a node's own state and "
                    + "has no key vip4j could hold; allowed: dcs-type etcd");
        }
        ConfigValidator.Value name = values.get(ConfigKey.TRIGGER_VALUE);
        if (name != null && ElectionValue.parse(String.valueOf(name.value())).fallback()) {
            problems.add(name.spelledAs() + "=" + name.shown() + ": an elected key's value marks a fallback holder "
                    + "with ;fallback, so this node would read as another; allowed: a name that does not end in "
                    + ";fallback");
        }
        ConfigValidator.Value loss = values.get(ConfigKey.DCS_LOSS);
        if (loss != null && loss.value() == DcsLossPolicy.KEEP) {
            problems.add(head + loss.spelledAs() + "=keep would keep the VIP after the election lease expired and "
                    + "another node was elected; allowed: dcs-loss release with election");
        }
        ConfigValidator.Value ttl = values.get(ConfigKey.ELECTION_TTL);
        ConfigValidator.Value keepalive = values.get(ConfigKey.KEEPALIVE_PERIOD);
        ConfigValidator.Value grace = values.get(ConfigKey.HANDOVER_GRACE);
        if (ttl != null && keepalive != null && grace != null) {
            Duration least = minimumTtl((Duration) keepalive.value(), (Duration) grace.value());
            if (((Duration) ttl.value()).compareTo(least) <= 0) {
                problems.add(ttl.spelledAs() + "=" + ttl.shown() + ": a holder renews its lease every keepalive-period ("
                        + keepalive.shown() + ") and gives it up handover-grace (" + grace.shown() + ") + "
                        + Durations.format(SAFETY) + " before it can expire, so one lost renewal would cost the VIP; "
                        + "allowed: more than 2 x keepalive-period + handover-grace + " + Durations.format(SAFETY)
                        + " = " + Durations.format(least));
            }
        }
        ConfigValidator.Value health = values.get(ConfigKey.HEALTH_CHECK);
        ConfigValidator.Value fallback = values.get(ConfigKey.FALLBACK_CHECK);
        if (health != null && fallback != null && "none".equals(health.value()) && !"none".equals(fallback.value())) {
            warnings.add(fallback.spelledAs() + "=" + fallback.shown() + " is set but health-check is none, which "
                    + "always passes: the fallback-check is never asked");
        }
        ConfigValidator.Value interval = values.get(ConfigKey.HEALTH_INTERVAL);
        ConfigValidator.Value timeout = values.get(ConfigKey.HEALTH_TIMEOUT);
        if (interval != null && timeout != null
                && ((Duration) timeout.value()).compareTo((Duration) interval.value()) > 0) {
            problems.add(timeout.spelledAs() + "=" + timeout.shown() + ": a check must end before the next one is due; "
                    + "allowed: at most health-interval (" + interval.shown() + ")");
        }
    }

    /** What {@code vip4j check} and a manager's build say when {@code dcs-type} offers no elections. */
    public static String unsupported(String dcsType) {
        return "election=true: dcs-type=" + dcsType + " offers no elections (a lease and a create-if-absent write); "
                + "allowed: dcs-type etcd";
    }

    /** The lease must outlast two renewal periods and the give-up margin. */
    static Duration minimumTtl(Duration keepalive, Duration grace) {
        return keepalive.multipliedBy(2).plus(grace).plus(SAFETY);
    }
}
