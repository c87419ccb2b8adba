package org.vip4j.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vip4j.ConfigKey;
import org.vip4j.ConfigSource;
import org.vip4j.DcsLossPolicy;

/**
 * Turns resolved layers into typed values, checking every key and the rules between keys, and collecting every
 * problem before failing.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class ConfigValidator {

    /** A typed value, the text shown for it (masked when secret) and its origin. */
    public record Value(Object value, String shown, ConfigSource source, String spelledAs) {
    }

    /** The outcome: typed values per key (absent keys are unset optionals), or the problems. */
    public record Result(Map<ConfigKey, Value> values, List<String> problems, List<String> warnings) {
    }

    static final Duration PATRONI_DEFAULT_TTL = Duration.ofSeconds(30);

    private ConfigValidator() {
    }

    public static Result validate(ConfigLayers layers) {
        List<String> problems = new ArrayList<>(layers.problems());
        List<String> warnings = new ArrayList<>(layers.warnings());
        Map<ConfigKey, Value> values = new EnumMap<>(ConfigKey.class);

        for (ConfigKey key : ConfigKey.values()) {
            Optional<ConfigLayers.Entry> entry = layers.effective(key);
            String text = entry.map(ConfigLayers.Entry::text).orElse(key.defaultText().orElse(null));
            if (text == null) {
                continue;
            }
            ConfigSource source = entry.map(ConfigLayers.Entry::source).orElse(ConfigSource.DEFAULT);
            String spelledAs = entry.map(ConfigLayers.Entry::spelledAs).orElse(key.canonical());
            try {
                Object typed = parse(key, text);
                values.put(key, new Value(typed, shown(key, typed, text), source, spelledAs));
            } catch (IllegalArgumentException e) {
                String t = key.isSecret() ? "*****" : ConfigParsing.mask(text);
                problems.add(spelledAs + "=" + t + ": " + e.getMessage() + "; allowed: " + key.allowed());
            }
        }

        applyAliases(layers, values);
        String dcsType = values.containsKey(ConfigKey.DCS_TYPE) ? (String) values.get(ConfigKey.DCS_TYPE).value() : "etcd";
        applyTypeDefaults(dcsType, values);
        String managerType = values.containsKey(ConfigKey.MANAGER_TYPE)
                ? (String) values.get(ConfigKey.MANAGER_TYPE).value() : "basic";
        for (String name : layers.unknownEnvironment()) {
            if (!isManagerVariable(name, managerType)) {
                warnings.add("environment variable " + name + " is not a vip4j setting and is ignored");
            }
        }

        for (ConfigKey required : ConfigKey.REQUIRED) {
            if (!values.containsKey(required) && layers.effective(required).isEmpty()) {
                problems.add(required.canonical() + " (" + required.envName() + ", --" + required.canonical()
                        + ") is required: " + required.allowed());
            }
        }
        familyCheck(layers, values, problems);
        typeChecks(dcsType, values, warnings);
        crossChecks(values, problems, warnings);
        ElectionRules.check(dcsType, values, problems, warnings);
        return new Result(values, problems, warnings);
    }

    private static void applyAliases(ConfigLayers layers, Map<ConfigKey, Value> values) {
        // vip-manager's retry-after (ms) means retry-timeout unless retry-timeout itself was given
        Value retryAfter = values.get(ConfigKey.RETRY_AFTER);
        if (retryAfter != null && !layers.isSet(ConfigKey.RETRY_TIMEOUT)) {
            values.put(ConfigKey.RETRY_TIMEOUT, new Value(retryAfter.value(), retryAfter.shown(), retryAfter.source(),
                    retryAfter.spelledAs()));
        }
        Value verbose = values.get(ConfigKey.VERBOSE);
        if (verbose != null && (Boolean) verbose.value() && !layers.isSet(ConfigKey.LOG_LEVEL)) {
            values.put(ConfigKey.LOG_LEVEL, new Value("DEBUG", "DEBUG", verbose.source(), verbose.spelledAs()));
        }
    }

    private static void applyTypeDefaults(String dcsType, Map<ConfigKey, Value> values) {
        if (!values.containsKey(ConfigKey.DCS_ENDPOINTS)) {
            String url = switch (dcsType) {
                case "consul" -> "http://127.0.0.1:8500";
                case "patroni" -> "http://127.0.0.1:8008";
                case "zookeeper" -> "http://127.0.0.1:2181";
                default -> "http://127.0.0.1:2379";
            };
            values.put(ConfigKey.DCS_ENDPOINTS,
                    new Value(List.of(URI.create(url)), url, ConfigSource.DEFAULT, ConfigKey.DCS_ENDPOINTS.canonical()));
        }
        if (!values.containsKey(ConfigKey.TRIGGER_VALUE)) {
            String value = dcsType.equals("patroni") ? "200" : HostName.get();
            String how = dcsType.equals("patroni") ? "200 (patroni)" : value + " (host name)";
            values.put(ConfigKey.TRIGGER_VALUE,
                    new Value(value, how, ConfigSource.DEFAULT, ConfigKey.TRIGGER_VALUE.canonical()));
        }
    }

    /**
     * The netmask against the ip's family, judged from the ip as written when it does not parse, so that a wrong ip
     * does not hide a wrong netmask until it is fixed: a dotted mask is IPv4 notation (255.255.255.0 read as /24
     * for an IPv6 VIP is a mistake, not a prefix), and an IPv4 prefix is at most 32.
     */
    private static void familyCheck(ConfigLayers layers, Map<ConfigKey, Value> values, List<String> problems) {
        Value mask = values.get(ConfigKey.NETMASK);
        Optional<String> ipText = layers.effective(ConfigKey.IP).map(ConfigLayers.Entry::text).map(String::trim);
        if (mask == null || ipText.isEmpty()) {
            return;
        }
        Value ip = values.get(ConfigKey.IP);
        String ipShown = ip != null ? ip.shown() : ConfigParsing.mask(ipText.get());
        boolean v6 = ip != null ? ip.value() instanceof Inet6Address : ipText.get().contains(":");
        String maskText = layers.effective(ConfigKey.NETMASK).map(ConfigLayers.Entry::text).map(String::trim)
                .orElse(mask.shown());
        int prefix = (Integer) mask.value();
        String problem = null;
        if (v6 && maskText.contains(".")) {
            problem = "a dotted mask is IPv4 notation and does not fit the IPv6 address " + ipShown
                    + " (give a prefix length, e.g. 64)";
        } else if (!v6 && prefix > 32) {
            problem = "/" + prefix + " does not fit the IPv4 address " + ipShown + " (at most 32)";
        }
        if (problem == null && ip != null && !v6 && prefix <= 30) {
            // the kernel takes it, but hosts on the segment treat it as the subnet or its broadcast, not a peer
            byte[] b = ((InetAddress) ip.value()).getAddress();
            int bits = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            int hostBits = bits & (int) ((1L << (32 - prefix)) - 1);
            if (hostBits == 0 || hostBits == (int) ((1L << (32 - prefix)) - 1)) {
                problems.add(ip.spelledAs() + "=" + ipShown + ": the " + (hostBits == 0 ? "network" : "broadcast")
                        + " address of its /" + prefix + ", not a host address; allowed: " + ConfigKey.IP.allowed());
            }
        }
        if (problem != null) {
            problems.add(mask.spelledAs() + "=" + ConfigParsing.mask(maskText) + ": " + problem + "; allowed: "
                    + ConfigKey.NETMASK.allowed());
        }
    }

    /**
     * Whether {@code name} is {@code VIP_<MANAGER-TYPE>_...} (hetzner-cloud: {@code VIP_HETZNER_CLOUD_}): a setting the
     * chosen address manager reads from the environment itself (and checks for typos itself), not one of ours.
     * Manager types only: a DCS type's prefix ({@code VIP_ETCD_}) is shared with our own keys, whose typos must warn.
     */
    private static boolean isManagerVariable(String name, String managerType) {
        return name.startsWith(ConfigKey.envName(managerType) + "_");
    }

    /** Settings of one DCS type given for another: vip-manager ignores them silently; we say so once. */
    private static void typeChecks(String dcsType, Map<ConfigKey, Value> values, List<String> warnings) {
        for (ConfigKey key : List.of(ConfigKey.ETCD_USER, ConfigKey.ETCD_PASSWORD, ConfigKey.ETCD_CA_FILE,
                ConfigKey.ETCD_CERT_FILE, ConfigKey.ETCD_KEY_FILE, ConfigKey.CONSUL_TOKEN)) {
            Value v = values.get(key);
            String owner = key == ConfigKey.CONSUL_TOKEN ? "consul" : "etcd";
            if (v != null && v.source() != ConfigSource.DEFAULT && !dcsType.equals(owner)) {
                warnings.add(v.spelledAs() + " is set but dcs-type is " + dcsType + ": it applies only to dcs-type "
                        + owner + " and is ignored");
            }
        }
    }

    private static void crossChecks(Map<ConfigKey, Value> values, List<String> problems, List<String> warnings) {
        pair(values, problems, ConfigKey.ETCD_USER, ConfigKey.ETCD_PASSWORD);
        pair(values, problems, ConfigKey.ETCD_CERT_FILE, ConfigKey.ETCD_KEY_FILE);
        Value keepalive = values.get(ConfigKey.KEEPALIVE_PERIOD);
        Value retryNum = values.get(ConfigKey.RETRY_NUM);
        if (keepalive != null && retryNum != null) {
            Duration bound = ((Duration) keepalive.value()).multipliedBy((Integer) retryNum.value());
            if (bound.compareTo(PATRONI_DEFAULT_TTL) >= 0) {
                warnings.add("retry-num x keepalive-period = " + Durations.format(bound) + " is not below Patroni's "
                        + "default leader TTL of 30s: a holder cut off from the DCS may keep the VIP after another "
                        + "node became leader");
            }
        }
        if (values.containsKey(ConfigKey.ETCD_CERT_FILE) && !values.containsKey(ConfigKey.ETCD_CA_FILE)) {
            warnings.add("etcd-cert-file without etcd-ca-file: the server certificate is checked against the system "
                    + "trust store");
        }
    }

    private static void pair(Map<ConfigKey, Value> values, List<String> problems, ConfigKey a, ConfigKey b) {
        Value va = values.get(a);
        Value vb = values.get(b);
        if (va != null && vb == null) {
            problems.add(va.spelledAs() + "=" + va.shown() + ": needs " + b.canonical() + " as well");
        } else if (vb != null && va == null) {
            problems.add(vb.spelledAs() + "=" + vb.shown() + ": needs " + a.canonical() + " as well");
        }
    }

    private static Object parse(ConfigKey key, String text) {
        return switch (key.kind()) {
            case ADDRESS -> ConfigParsing.address(text);
            case NETMASK -> ConfigParsing.prefixLength(text);
            case INTERFACE -> ConfigParsing.interfaceName(text);
            case TEXT, SECRET -> ConfigParsing.text(text);
            case WORD -> ConfigParsing.word(text);
            case DCS_TYPE -> ConfigParsing.dcsType(text);
            case ENDPOINTS -> ConfigParsing.endpoints(text);
            case DURATION_MS -> positive(ConfigParsing.duration(text, 1));
            case DURATION_S -> positive(ConfigParsing.duration(text, 1000));
            case DURATION_MS_OR_ZERO -> ConfigParsing.duration(text, 1);
            case LOG_LEVEL -> ConfigParsing.logLevel(text);
            case COUNT -> ConfigParsing.count(text);
            case DCS_LOSS -> dcsLoss(text);
            case FILE -> ConfigParsing.readableFile(text);
            case BOOLEAN -> ConfigParsing.bool(text);
            case URL_OR_OFF -> ConfigParsing.urlOrOff(text);
            case HEALTH_CHECK -> HealthCheck.parse(text).spec();
        };
    }

    private static Duration positive(Duration d) {
        if (d.isZero()) {
            throw new IllegalArgumentException("must be above zero");
        }
        return d;
    }

    private static DcsLossPolicy dcsLoss(String text) {
        for (DcsLossPolicy p : DcsLossPolicy.values()) {
            if (p.configValue().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown policy");
    }

    @SuppressWarnings("unchecked")
    private static String shown(ConfigKey key, Object typed, String text) {
        if (key.isSecret()) {
            return "*****";
        }
        return switch (key.kind()) {
            case ADDRESS -> new org.vip4j.VirtualAddress((InetAddress) typed, 0, "-").host();
            case DURATION_MS, DURATION_S, DURATION_MS_OR_ZERO -> Durations.format((Duration) typed);
            case ENDPOINTS -> {
                List<String> parts = new ArrayList<>();
                for (URI u : (List<URI>) typed) {
                    parts.add(ConfigParsing.mask(u.toString()));
                }
                yield String.join(",", parts);
            }
            case DCS_LOSS -> ((DcsLossPolicy) typed).configValue();
            case FILE -> ((Path) typed).toString();
            case URL_OR_OFF -> ((java.util.Optional<URI>) typed).map(u -> ConfigParsing.mask(u.toString())).orElse("off");
            default -> String.valueOf(typed);
        };
    }

}
