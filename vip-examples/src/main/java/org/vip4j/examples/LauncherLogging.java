package org.vip4j.examples;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Configures slf4j-simple from {@code log-level} before the first logger exists (slf4j-simple reads its settings
 * once). The level is looked up in the same order the configuration uses: flags, environment, file.
 */
final class LauncherLogging {

    private LauncherLogging() {
    }

    static void configure(Map<String, String> flags, Map<String, String> env, Map<String, Object> file) {
        String level = first(flags.get("log-level"), env.get("VIP_LOGLEVEL"), env.get("VIP_LOG_LEVEL"),
                text(file.get("log-level")))
                .or(() -> verbose(flags.get("verbose"), env.get("VIP_VERBOSE"), text(file.get("verbose"))))
                .map(LauncherLogging::slf4jLevel).orElse("info");
        set("org.slf4j.simpleLogger.defaultLogLevel", level);
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.levelInBrackets", "false");
        // gRPC and Netty speak up on every reconnect; vip4j's own lines say what matters
        set("org.slf4j.simpleLogger.log.io.grpc", "warn");
        set("org.slf4j.simpleLogger.log.io.netty", "warn");
        set("org.slf4j.simpleLogger.log.io.etcd", "error"); // jetcd warns on every retry; KeyWatch says it once
        // ZooKeeper's client logs every connection attempt (INFO) and every lost one (WARN, with a stack trace), and
        // Curator an ERROR for each request sent while disconnected; the zookeeper provider says each change once
        set("org.slf4j.simpleLogger.log.org.apache.zookeeper", "error");
        set("org.slf4j.simpleLogger.log.org.apache.curator", "warn");
        set("org.slf4j.simpleLogger.log.org.apache.curator.framework.imps.CuratorFrameworkImpl", "off");
        // gRPC logs through java.util.logging, in a two-line format of its own: one log, one format
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    private static Optional<String> first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> verbose(String... values) {
        return first(values).filter(v -> List.of("true", "yes", "on", "1").contains(v.trim().toLowerCase()))
                .map(v -> "DEBUG");
    }

    private static String text(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** vip-manager's level names (and WARN) as SLF4J's; a bad value is reported by the configuration check. */
    private static String slf4jLevel(String configured) {
        return switch (configured.trim().toUpperCase(Locale.ROOT)) {
            case "DEBUG" -> "debug";
            case "WARNING", "WARN" -> "warn";
            case "ERROR" -> "error";
            default -> "info";
        };
    }

    private static void set(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
