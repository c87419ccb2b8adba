package org.vip4j.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfigException;
import org.vip4j.spi.AddressManagerProvider;
import org.vip4j.spi.DcsClientProvider;

/**
 * Finds the provider for a type with {@link ServiceLoader}. A provider that fails to load is reported and the rest
 * still load; no match names what was asked, what was found and which module supplies it; two providers of one
 * type are an error rather than a guess, since guessing about an IP address is worse than not starting.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class Providers {

    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

    private static final Map<String, String> MODULES = Map.of(
            "etcd", "org.vip4j:vip-dcs-etcd",
            "consul", "org.vip4j:vip-dcs-consul",
            "patroni", "org.vip4j:vip-dcs-patroni",
            "zookeeper", "org.vip4j:vip-dcs-zookeeper",
            "basic", "org.vip4j:vip-net-linux",
            "hetzner", "org.vip4j:vip-net-hetzner",
            "hetzner-cloud", "org.vip4j:vip-net-hetzner");

    private Providers() {
    }

    public static DcsClientProvider dcs(String type) {
        return find(DcsClientProvider.class, "dcs-type", type, DcsClientProvider::type,
                DcsClientProvider::spiVersion, DcsClientProvider.SPI_VERSION);
    }

    public static AddressManagerProvider addressManager(String type) {
        return find(AddressManagerProvider.class, "manager-type", type, AddressManagerProvider::type,
                AddressManagerProvider::spiVersion, AddressManagerProvider.SPI_VERSION);
    }

    private static <P> P find(Class<P> spi, String key, String type, Function<P, String> typeOf,
                              ToIntFunction<P> versionOf, int version) {
        Map<String, List<P>> byType = new TreeMap<>();
        Iterator<P> it = ServiceLoader.load(spi, Providers.class.getClassLoader()).iterator();
        while (true) {
            P p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.warn("a {} failed to load and is left out: {}", spi.getSimpleName(), e.getMessage());
                continue;
            }
            if (versionOf.applyAsInt(p) != version) {
                LOG.warn("{} {} was built for SPI version {}, this vip4j has {}; left out",
                        spi.getSimpleName(), p.getClass().getName(), versionOf.applyAsInt(p), version);
                continue;
            }
            byType.computeIfAbsent(typeOf.apply(p), t -> new ArrayList<>()).add(p);
        }
        List<P> matches = byType.getOrDefault(type, List.of());
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            String module = MODULES.get(type);
            throw new VipConfigException(List.of(key + "=" + type + ": no " + spi.getSimpleName()
                    + " of that type on the class path; found: " + (byType.isEmpty() ? "none" : byType.keySet())
                    + (module == null ? "" : "; add the module " + module)
                    + " (see README.md, section Providers)"));
        }
        List<String> classes = new ArrayList<>();
        matches.forEach(p -> classes.add(p.getClass().getName()));
        throw new VipConfigException(List.of(key + "=" + type + ": " + matches.size() + " providers of that type "
                + "on the class path " + classes + "; remove all but one (see README.md, section Providers)"));
    }
}
