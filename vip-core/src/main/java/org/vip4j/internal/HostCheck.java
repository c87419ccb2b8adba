package org.vip4j.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.vip4j.ConfigKey;
import org.vip4j.VipConfigException;
import org.vip4j.spi.AddressManagerProvider;
import org.vip4j.spi.DcsClientProvider;

/**
 * What {@code VipManager.check} reports: the configuration's own problems and, even when those exist, the providers
 * and the interface as written. An operator who fixes a typo in {@code ip} should not then learn that
 * {@code dcs-type=consul} has no provider installed, or that {@code eth1} does not exist: one run, every problem.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class HostCheck {

    private HostCheck() {
    }

    public static List<String> problems(ConfigLayers layers) {
        Set<String> problems = new LinkedHashSet<>(ConfigValidator.validate(layers).problems());
        Optional<String> dcsType = parsed(layers, ConfigKey.DCS_TYPE, ConfigParsing::dcsType);
        Optional<String> managerType = parsed(layers, ConfigKey.MANAGER_TYPE, ConfigParsing::word);
        dcsType.ifPresent(type -> {
            try {
                DcsClientProvider provider = Providers.dcs(type);
                boolean elect = parsed(layers, ConfigKey.ELECTION, t -> Boolean.toString(ConfigParsing.bool(t)))
                        .map(Boolean::parseBoolean).orElse(false);
                if (elect && !type.equals("patroni") && !provider.offersElections()) {
                    problems.add(ElectionRules.unsupported(type)); // patroni: the validator said why
                }
                parsed(layers, ConfigKey.DCS_ENDPOINTS, t -> t).ifPresent(text -> {
                    try {
                        problems.addAll(provider.endpointProblems(ConfigParsing.endpoints(text)));
                    } catch (IllegalArgumentException e) {
                        // unreadable as URLs: the validator has said so with the key and what is allowed
                    }
                });
            } catch (VipConfigException e) {
                problems.addAll(e.problems());
            }
        });
        Optional<String> iface = parsed(layers, ConfigKey.INTERFACE, ConfigParsing::interfaceName);
        managerType.ifPresent(type -> {
            try {
                AddressManagerProvider provider = Providers.addressManager(type);
                iface.flatMap(provider::interfaceProblem)
                        .ifPresent(p -> problems.add(ConfigKey.INTERFACE.canonical() + "=" + iface.get() + ": " + p));
            } catch (VipConfigException e) {
                problems.addAll(e.problems());
            }
        });
        return new ArrayList<>(problems);
    }

    /** The effective value (or the default) as the validator reads it; empty when it is missing or unreadable. */
    private static Optional<String> parsed(ConfigLayers layers, ConfigKey key, UnaryOperator<String> parse) {
        Optional<String> text = layers.effective(key).map(ConfigLayers.Entry::text).or(key::defaultText);
        try {
            return text.map(parse);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the validator reports it with the key and what is allowed
        }
    }
}
