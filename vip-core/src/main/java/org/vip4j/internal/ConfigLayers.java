package org.vip4j.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.vip4j.ConfigKey;
import org.vip4j.ConfigSource;

/**
 * Collects raw configuration text from the file, the environment and overrides (flags, builder calls), maps old
 * vip-manager names to canonical keys and picks, per key, the value of the highest layer. Precedence:
 * override &gt; environment &gt; file &gt; default, whatever order the layers were given in.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class ConfigLayers {

    /** One raw value and where it came from; {@code spelledAs} is the name the user wrote (for messages). */
    public record Entry(String text, ConfigSource source, String spelledAs) {
    }

    private final Map<ConfigSource, Map<ConfigKey, Entry>> layers = new EnumMap<>(ConfigSource.class);
    private final List<String> problems = new ArrayList<>();
    private final Set<String> warnings = new LinkedHashSet<>();
    private final Set<String> unknownEnvironment = new LinkedHashSet<>();

    public ConfigLayers() {
        for (ConfigSource s : ConfigSource.values()) {
            layers.put(s, new EnumMap<>(ConfigKey.class));
        }
    }

    /**
     * Adds a YAML-style map: canonical or old names as keys; values are strings, numbers, booleans, or (for
     * {@code dcs-endpoints}) lists. Unknown keys are problems.
     */
    public void addFile(Map<String, ?> values) {
        new TreeMap<>(values).forEach((name, raw) -> {
            if (ConfigKey.IGNORED_FILE_KEYS.contains(name)) {
                warnings.add("key '" + name + "' in the configuration file has no effect there and is ignored");
                return;
            }
            Optional<ConfigKey> key = ConfigKey.byName(name);
            if (key.isEmpty()) {
                problems.add(name + "=" + describeRaw(raw) + ": unknown key; known keys are " + knownKeys());
                return;
            }
            Optional<String> text = fileText(key.get(), name, raw);
            text.ifPresent(t -> put(ConfigSource.FILE, key.get(), t, name));
        });
    }

    /**
     * Adds the {@code VIP_*} variables of an environment. Other variables are not looked at; an unknown
     * {@code VIP_} variable is a warning (a typo would otherwise go unnoticed), not an error, since the
     * environment is shared with other programs. The validator words that warning once the provider types are known:
     * {@code VIP_<TYPE>_*} belongs to the provider of that dcs-type or manager-type.
     */
    public void addEnvironment(Map<String, String> env) {
        new TreeMap<>(env).forEach((name, text) -> {
            if (!name.startsWith("VIP_")) {
                return;
            }
            Optional<ConfigKey> key = byEnvName(name);
            if (key.isPresent()) {
                put(ConfigSource.ENVIRONMENT, key.get(), text, name);
            } else if (!List.of("VIP_CONFIG", "VIP_VERSION").contains(name)) {
                unknownEnvironment.add(name);
            }
        });
    }

    /** Adds a flag or builder value; {@code name} is canonical or old, {@code spelledAs} e.g. {@code --interval}. */
    public void addOverride(String name, String text, String spelledAs) {
        Optional<ConfigKey> key = ConfigKey.byName(name);
        if (key.isEmpty()) {
            problems.add(spelledAs + "=" + text + ": unknown key; known keys are " + knownKeys());
            return;
        }
        put(ConfigSource.OVERRIDE, key.get(), text, spelledAs);
    }

    /** Whether any layer above the defaults sets {@code key}. */
    public boolean isSet(ConfigKey key) {
        return effective(key).isPresent();
    }

    /** The value of the highest layer that sets {@code key}, if any. */
    public Optional<Entry> effective(ConfigKey key) {
        for (ConfigSource s : List.of(ConfigSource.OVERRIDE, ConfigSource.ENVIRONMENT, ConfigSource.FILE)) {
            Entry e = layers.get(s).get(key);
            if (e != null) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public List<String> problems() {
        return problems;
    }

    /** One line per old name used, unknown variable or ignored key. */
    public Collection<String> warnings() {
        return warnings;
    }

    /** {@code VIP_} variables that are not vip4j keys, in name order: typos, or settings of a provider. */
    public Set<String> unknownEnvironment() {
        return unknownEnvironment;
    }

    private void put(ConfigSource source, ConfigKey key, String text, String spelledAs) {
        String bare = bareName(spelledAs);
        if (key.oldNames().contains(bare)) {
            String canonicalSpelling = source == ConfigSource.ENVIRONMENT ? key.envName()
                    : spelledAs.startsWith("--") ? "--" + key.canonical() : key.canonical();
            warnings.add("'" + spelledAs + "' is an old name for '" + canonicalSpelling + "'");
        }
        Map<ConfigKey, Entry> layer = layers.get(source);
        Entry previous = layer.get(key);
        if (previous != null && !previous.spelledAs().equals(spelledAs) && !previous.text().equals(text)) {
            String shown = key.isSecret() ? "*****" : text;
            String shownPrevious = key.isSecret() ? "*****" : previous.text();
            problems.add(spelledAs + "=" + shown + ": conflicts with " + previous.spelledAs() + "=" + shownPrevious
                    + "; both name '" + key.canonical() + "' (one is vip-manager's old name): set only one, or both "
                    + "to the same value");
            return;
        }
        if (previous == null || previous.spelledAs().equals(spelledAs) || source == ConfigSource.OVERRIDE) {
            layer.put(key, new Entry(text, source, spelledAs));
        }
    }

    private Optional<String> fileText(ConfigKey key, String name, Object raw) {
        if (raw == null) {
            return Optional.empty();
        }
        if (raw instanceof Collection<?> list) {
            if (key != ConfigKey.DCS_ENDPOINTS) {
                problems.add(name + "=" + raw + ": expects a single value, not a list; " + key.allowed());
                return Optional.empty();
            }
            List<String> parts = new ArrayList<>();
            for (Object o : list) {
                parts.add(String.valueOf(o).trim());
            }
            return Optional.of(String.join(",", parts));
        }
        if (raw instanceof Map<?, ?>) {
            problems.add(name + "=" + describeRaw(raw) + ": expects a single value, not a mapping; "
                    + key.allowed());
            return Optional.empty();
        }
        return Optional.of(String.valueOf(raw));
    }

    private static Optional<ConfigKey> byEnvName(String envName) {
        for (ConfigKey key : ConfigKey.values()) {
            if (key.isEnvName(envName)) {
                return Optional.of(key);
            }
            for (String old : key.oldNames()) {
                if (ConfigKey.envName(old).equals(envName)) {
                    return Optional.of(key);
                }
            }
        }
        return Optional.empty();
    }

    private static String bareName(String spelledAs) {
        if (spelledAs.startsWith("--")) {
            return spelledAs.substring(2);
        }
        if (spelledAs.startsWith("VIP_")) {
            for (ConfigKey key : ConfigKey.values()) {
                for (String old : key.oldNames()) {
                    if (ConfigKey.envName(old).equals(spelledAs) && !key.isEnvName(spelledAs)) {
                        return old;
                    }
                }
            }
            return spelledAs;
        }
        return spelledAs;
    }

    private static String describeRaw(Object raw) {
        return raw instanceof String s ? s : String.valueOf(raw);
    }

    private static String knownKeys() {
        List<String> names = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            names.add(key.canonical());
        }
        return String.join(", ", names);
    }
}
