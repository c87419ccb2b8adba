package org.vip4j;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one key table: every configuration key with its canonical name (YAML key and {@code --flag}), its
 * environment name, vip-manager's older names, how its value is read, its default and whether it is secret.
 * Files, the environment, flags, the builder and the printed configuration all go through it; a launcher, a
 * packaged {@code /etc/default} file or a user's own front end reads it to spell keys the way vip4j does. Values are
 * set with {@link VipConfig.Builder#set}, in the spelling {@link #canonical()} gives.
 */
public enum ConfigKey {
    IP("ip", Kind.ADDRESS, null, "the virtual IP address, IPv4 or IPv6, e.g. 198.51.100.100"),
    NETMASK("netmask", Kind.NETMASK, null,
            "a prefix length (24; up to 32 for IPv4, 128 for IPv6) or a dotted IPv4 mask (255.255.255.0)", "mask"),
    INTERFACE("interface", Kind.INTERFACE, null, "a network interface name such as eth0 (at most 15 characters)",
            "iface"),
    TRIGGER_KEY("trigger-key", Kind.TEXT, null, "the DCS key holding the leader's name, e.g. /service/pg/leader",
            "key"),
    TRIGGER_VALUE("trigger-value", Kind.TEXT, null, "the value that means this node leads (default: host name)",
            "nodename", "host"),
    DCS_TYPE("dcs-type", Kind.DCS_TYPE, "etcd", "etcd (or etcd3), consul, zookeeper or patroni", "type", "endpoint_type"),
    DCS_ENDPOINTS("dcs-endpoints", Kind.ENDPOINTS, null,
            "comma-separated http:// or https:// URLs (a bare host:port gets http://); for zookeeper "
                    + "host:port,host:port[/chroot]", "endpoint", "endpoints"),
    MANAGER_TYPE("manager-type", Kind.WORD, "basic", "an address manager type; basic = Linux netlink",
            "hostingtype", "hosting_type"),
    INTERVAL("interval", Kind.DURATION_MS, "1000", null),
    TAKEOVER_TIMEOUT("takeover-timeout", Kind.DURATION_S, "5", null),
    RETRY_TIMEOUT("retry-timeout", Kind.DURATION_S, "3", null),
    KEEPALIVE_PERIOD("keepalive-period", Kind.DURATION_S, "1", null),
    LOG_LEVEL("log-level", Kind.LOG_LEVEL, "INFO", "DEBUG, INFO, WARNING or ERROR"),
    RETRY_NUM("retry-num", Kind.COUNT, "3", "a whole number from 1 to 100", "retry_num"),
    RETRY_AFTER("retry-after", Kind.DURATION_MS, null, null, "retry_after"),
    DCS_LOSS("dcs-loss", Kind.DCS_LOSS, "release", "release or keep"),
    HANDOVER_GRACE("handover-grace", Kind.DURATION_MS_OR_ZERO, "250", null),
    PROMOTE_CHECK("promote-check", Kind.URL_OR_OFF, "off",
            "off, or a URL that answers 200 once this node's PostgreSQL is primary (http://127.0.0.1:8008/primary)"),
    ELECTION("election", Kind.BOOLEAN, "false",
            "true (vip4j elects the holder of trigger-key among the nodes whose health-check passes) or false "
                    + "(follow a key another program writes)"),
    ELECTION_TTL("election-ttl", Kind.DURATION_S, "3", null),
    HEALTH_CHECK("health-check", Kind.HEALTH_CHECK, "none",
            "none, an http:// or https:// URL (200 = healthy), tcp://host:port (a connect), or exec:<command> "
                    + "(exit status 0)"),
    HEALTH_INTERVAL("health-interval", Kind.DURATION_MS, "1000", null),
    HEALTH_TIMEOUT("health-timeout", Kind.DURATION_MS, "1000", null),
    HEALTH_RISE("health-rise", Kind.COUNT, "1", "a whole number from 1 to 100"),
    HEALTH_FALL("health-fall", Kind.COUNT, "1", "a whole number from 1 to 100"),
    FALLBACK_CHECK("fallback-check", Kind.HEALTH_CHECK, "none",
            "none (no fallback), or a check as health-check takes; while health-check fails and this passes, the node "
                    + "is a fallback candidate"),
    FALLBACK_DELAY("fallback-delay", Kind.DURATION_MS, "1000", null),
    ELECTION_HOLD_DOWN("election-hold-down", Kind.DURATION_MS_OR_ZERO, "5000", null),
    ETCD_USER("etcd-user", Kind.TEXT, null, "the etcd user name", "etcd_user"),
    ETCD_PASSWORD("etcd-password", Kind.SECRET, null, "the etcd password", "etcd_password"),
    ETCD_CA_FILE("etcd-ca-file", Kind.FILE, null, "a readable PEM file", "etcd_ca_file"),
    ETCD_CERT_FILE("etcd-cert-file", Kind.FILE, null, "a readable PEM file", "etcd_cert_file"),
    ETCD_KEY_FILE("etcd-key-file", Kind.FILE, null, "a readable PEM file", "etcd_key_file"),
    CONSUL_TOKEN("consul-token", Kind.SECRET, null, "the Consul ACL token", "consul_token"),
    VERBOSE("verbose", Kind.BOOLEAN, "false", "true or false (true = log-level DEBUG)");

    /** How a key's text is read; {@link #allowed()} says it in words. */
    public enum Kind {
        ADDRESS, NETMASK, INTERFACE, TEXT, WORD, DCS_TYPE, ENDPOINTS, DURATION_MS, DURATION_S, DURATION_MS_OR_ZERO,
        LOG_LEVEL, COUNT, DCS_LOSS, SECRET, FILE, BOOLEAN, URL_OR_OFF, HEALTH_CHECK
    }

    /** Keys vip-manager knows that are not configuration values of a VIP: accepted in files, ignored with a WARN. */
    public static final List<String> IGNORED_FILE_KEYS = List.of("config", "version", "help");

    /** Keys without a default that every VIP must set. */
    public static final List<ConfigKey> REQUIRED = List.of(IP, NETMASK, INTERFACE, TRIGGER_KEY);

    private final String canonical;
    private final Kind kind;
    private final String defaultText;
    private final String allowed;
    private final List<String> oldNames;

    ConfigKey(String canonical, Kind kind, String defaultText, String allowed, String... oldNames) {
        this.canonical = canonical;
        this.kind = kind;
        this.defaultText = defaultText;
        this.allowed = allowed;
        this.oldNames = List.of(oldNames);
    }

    /** The YAML key and flag name, e.g. {@code trigger-key}. */
    public String canonical() {
        return canonical;
    }

    public Kind kind() {
        return kind;
    }

    /** The environment variable, e.g. {@code VIP_TRIGGER_KEY}; vip-manager spells log-level's {@code VIP_LOGLEVEL}. */
    public String envName() {
        return this == LOG_LEVEL ? "VIP_LOGLEVEL" : envName(canonical);
    }

    /** Whether {@code name} is this key's environment variable (derived or vip-manager's spelling, not an old name). */
    public boolean isEnvName(String name) {
        return envName().equals(name) || envName(canonical).equals(name);
    }

    /** vip-manager 1.x names, as YAML keys. */
    public List<String> oldNames() {
        return oldNames;
    }

    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    public boolean isSecret() {
        return kind == Kind.SECRET;
    }

    /** What the value may be, for error messages. */
    public String allowed() {
        return switch (kind) {
            case DURATION_MS -> "a positive duration: whole milliseconds (1000) or with a unit (500ms, 3s, 1m)";
            case DURATION_S -> "a positive duration: whole seconds (3) or with a unit (500ms, 3s, 1m)";
            case DURATION_MS_OR_ZERO -> "0 (off) or a duration: whole milliseconds (250) or with a unit (250ms, 1s)";
            default -> allowed;
        };
    }

    /** {@code VIP_} followed by the name in upper case with dashes as underscores. */
    public static String envName(String name) {
        return "VIP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Finds a key by canonical or old name (file and flag spelling). */
    public static Optional<ConfigKey> byName(String name) {
        for (ConfigKey key : values()) {
            if (key.canonical.equals(name) || key.oldNames.contains(name)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }
}
