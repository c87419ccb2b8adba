package org.vip4j.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.vip4j.ConfigKey;
import org.vip4j.VipConfigException;

/**
 * A vip-manager YAML file, read as it is: canonical or old key names, {@code dcs-endpoints} as a string or a list.
 * vip4j adds one form: a {@code vips:} list of per-VIP maps (ip, netmask, interface, trigger-key, trigger-value,
 * and the timing keys) on top of the shared keys, so several VIPs run in one process on one DCS connection.
 */
final class ConfigFile {

    /** The keys every VIP of a multi-VIP file must share, because the VIPs share one DCS client. */
    private static final List<ConfigKey> SHARED = List.of(ConfigKey.DCS_TYPE, ConfigKey.DCS_ENDPOINTS,
            ConfigKey.ETCD_USER, ConfigKey.ETCD_PASSWORD, ConfigKey.ETCD_CA_FILE, ConfigKey.ETCD_CERT_FILE,
            ConfigKey.ETCD_KEY_FILE, ConfigKey.CONSUL_TOKEN, ConfigKey.LOG_LEVEL, ConfigKey.VERBOSE);

    private ConfigFile() {
    }

    /** One map of file values per VIP (one entry for a classic vip-manager file). Empty file: one empty map. */
    static List<Map<String, Object>> load(Path file) {
        Object doc;
        if (!Files.isReadable(file)) {
            throw new VipConfigException(List.of("config=" + file + ": " + (Files.exists(file)
                    ? "not readable" : "no such file") + "; allowed: a readable vip-manager YAML file"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromInputStream(in);
        } catch (YamlEngineException e) {
            throw new VipConfigException(List.of("config=" + file + ": not valid YAML: "
                    + e.getMessage().replace('\n', ' ').replaceAll(" +", " ")));
        } catch (IOException e) {
            throw new VipConfigException(List.of("config=" + file + ": cannot be read: " + e.getMessage()));
        }
        if (doc == null) {
            return List.of(Map.of());
        }
        if (!(doc instanceof Map<?, ?> top)) {
            throw new VipConfigException(List.of("config=" + file + ": expects a mapping of keys (ip: ..., "
                    + "trigger-key: ...), found " + describe(doc)));
        }
        Map<String, Object> shared = strings(top, file.toString());
        Object vips = shared.remove("vips");
        if (vips == null) {
            return List.of(shared);
        }
        if (!(vips instanceof List<?> list) || list.isEmpty()) {
            throw new VipConfigException(List.of("vips=" + describe(vips) + ": expects a list of VIPs, each a "
                    + "mapping such as {ip: 198.51.100.100, trigger-key: /service/pg/leader}"));
        }
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                problems.add("vips[" + i + "]=" + describe(list.get(i)) + ": expects a mapping of keys");
                continue;
            }
            Map<String, Object> own = strings(entry, "vips[" + i + "]");
            for (String k : own.keySet()) {
                ConfigKey.byName(k).filter(SHARED::contains).ifPresent(key -> problems.add("vips[" + own.get("ip")
                        + "]." + k + ": " + key.canonical() + " is shared by all VIPs of a file (one DCS "
                        + "connection); set it at the top level"));
            }
            Map<String, Object> merged = new LinkedHashMap<>(shared);
            merged.putAll(own);
            out.add(merged);
        }
        if (!problems.isEmpty()) {
            throw new VipConfigException(problems);
        }
        return out;
    }

    private static Map<String, Object> strings(Map<?, ?> map, String where) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(k instanceof String s)) {
                throw new VipConfigException(List.of(where + ": key " + k + " is not a name"));
            }
            out.put(s, v);
        });
        return out;
    }

    private static String describe(Object o) {
        return o instanceof List ? "a list" : o instanceof Map ? "a mapping" : String.valueOf(o);
    }
}
