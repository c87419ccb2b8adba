package org.vip4j;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.internal.ConfigLayers;
import org.vip4j.internal.ConfigValidator;
import org.vip4j.internal.Durations;

/**
 * The whole configuration of one VIP: immutable, validated, built once.
 *
 * <p>Every key has one canonical name in three spellings: {@code trigger-key} (YAML key, {@code --trigger-key}
 * flag), {@code VIP_TRIGGER_KEY} (environment) and {@code triggerKey(...)} (builder). vip-manager's older names
 * are accepted too, with a WARN line each. Precedence, whatever order the sources are given in: builder calls and
 * flags, then the environment, then the file, then defaults. {@link Builder#build()} reports every problem at once
 * in one {@link VipConfigException}.
 *
 * <pre>{@code
 * VipConfig cfg = VipConfig.builder().ip(InetAddress.getByName("198.51.100.100")).netmask(24)
 *         .interfaceName("eth0").triggerKey("/service/pg/leader").triggerValue("node1").build();
 * }</pre>
 */
public final class VipConfig {

    private static final Logger LOG = LoggerFactory.getLogger(VipConfig.class);

    private final Map<ConfigKey, ConfigValidator.Value> values;

    private VipConfig(Map<ConfigKey, ConfigValidator.Value> values) {
        this.values = new EnumMap<>(values);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The VIP: address, prefix length and interface together. */
    public VirtualAddress virtualAddress() {
        return new VirtualAddress(ip(), netmask(), interfaceName());
    }

    /** {@code ip}: the virtual IP. */
    public InetAddress ip() {
        return get(ConfigKey.IP);
    }

    /** {@code netmask}: the prefix length. */
    public int netmask() {
        return get(ConfigKey.NETMASK);
    }

    /** {@code interface}. */
    public String interfaceName() {
        return get(ConfigKey.INTERFACE);
    }

    /** {@code trigger-key}: the DCS key holding the leader's name. */
    public String triggerKey() {
        return get(ConfigKey.TRIGGER_KEY);
    }

    /** {@code trigger-value}: the value meaning "this node leads". */
    public String triggerValue() {
        return get(ConfigKey.TRIGGER_VALUE);
    }

    /** {@code dcs-type}, lower case; {@code etcd3} reads as {@code etcd}. */
    public String dcsType() {
        return get(ConfigKey.DCS_TYPE);
    }

    /** {@code dcs-endpoints}. */
    public List<URI> dcsEndpoints() {
        return get(ConfigKey.DCS_ENDPOINTS);
    }

    /** {@code manager-type}, lower case. */
    public String managerType() {
        return get(ConfigKey.MANAGER_TYPE);
    }

    /** {@code interval}: reconcile period, and poll period of DCS types without a watch. */
    public Duration interval() {
        return get(ConfigKey.INTERVAL);
    }

    /** {@code takeover-timeout}: bound on one acquisition attempt and on each address-manager call. */
    public Duration takeoverTimeout() {
        return get(ConfigKey.TAKEOVER_TIMEOUT);
    }

    /** {@code retry-timeout}: wait after a failed acquisition, release or DCS call. */
    public Duration retryTimeout() {
        return get(ConfigKey.RETRY_TIMEOUT);
    }

    /** {@code keepalive-period}: how often a holder re-confirms its leadership. */
    public Duration keepalivePeriod() {
        return get(ConfigKey.KEEPALIVE_PERIOD);
    }

    /** {@code log-level}: DEBUG, INFO, WARNING or ERROR; applied by the launcher only. */
    public String logLevel() {
        return get(ConfigKey.LOG_LEVEL);
    }

    /** {@code retry-num}: failed confirmations in a row before a holder gives the DCS up as lost. */
    public int retryNum() {
        return get(ConfigKey.RETRY_NUM);
    }

    /** {@code dcs-loss}. */
    public DcsLossPolicy dcsLoss() {
        return get(ConfigKey.DCS_LOSS);
    }

    /** {@code handover-grace}; zero means off. */
    public Duration handoverGrace() {
        return get(ConfigKey.HANDOVER_GRACE);
    }

    /** {@code promote-check}: where to ask whether this node's PostgreSQL is primary before adding; empty = off. */
    public Optional<URI> promoteCheck() {
        return get(ConfigKey.PROMOTE_CHECK);
    }

    /** {@code election}: whether vip4j elects the holder of {@code trigger-key} itself (DESIGN section 9). */
    public boolean election() {
        return get(ConfigKey.ELECTION);
    }

    /** {@code election-ttl}: the lease a holder of the election key keeps alive. */
    public Duration electionTtl() {
        return get(ConfigKey.ELECTION_TTL);
    }

    /**
     * {@code health-check}: {@code none}, an http(s) URL, {@code tcp://host:port} or {@code exec:<command>}, as
     * written; what makes this node eligible for an election.
     */
    public String healthCheck() {
        return get(ConfigKey.HEALTH_CHECK);
    }

    public Duration healthInterval() {
        return get(ConfigKey.HEALTH_INTERVAL);
    }

    public Duration healthTimeout() {
        return get(ConfigKey.HEALTH_TIMEOUT);
    }

    /** Checks passed in a row before an ineligible node becomes eligible. */
    public int healthRise() {
        return get(ConfigKey.HEALTH_RISE);
    }

    /** Checks failed in a row before an eligible node becomes ineligible. */
    public int healthFall() {
        return get(ConfigKey.HEALTH_FALL);
    }

    /**
     * {@code fallback-check}: {@code none} (the default: no fallback) or a check as {@link #healthCheck()} takes.
     * While the health-check fails and this passes, the node is a fallback candidate: elected only while no node
     * passes its health-check, and giving the key up when one asks for it.
     */
    public String fallbackCheck() {
        return get(ConfigKey.FALLBACK_CHECK);
    }

    /** How long the election key stays free before a fallback candidate claims it. */
    public Duration fallbackDelay() {
        return get(ConfigKey.FALLBACK_DELAY);
    }

    /**
     * How long a node's health-check must pass in a row before it asks a fallback holder to give way, so that a node
     * whose check flaps cannot pull the VIP back and forth.
     */
    public Duration electionHoldDown() {
        return get(ConfigKey.ELECTION_HOLD_DOWN);
    }

    /** How long a holder may go unconfirmed: {@code retry-num × keepalive-period}. */
    public Duration dcsLossTimeout() {
        return keepalivePeriod().multipliedBy(retryNum());
    }

    public Optional<String> etcdUser() {
        return find(ConfigKey.ETCD_USER);
    }

    /** The etcd password, for DCS clients only: never log it. */
    public Optional<String> etcdPassword() {
        return find(ConfigKey.ETCD_PASSWORD);
    }

    public Optional<Path> etcdCaFile() {
        return find(ConfigKey.ETCD_CA_FILE);
    }

    public Optional<Path> etcdCertFile() {
        return find(ConfigKey.ETCD_CERT_FILE);
    }

    public Optional<Path> etcdKeyFile() {
        return find(ConfigKey.ETCD_KEY_FILE);
    }

    /** The Consul ACL token, for DCS clients only: never log it. */
    public Optional<String> consulToken() {
        return find(ConfigKey.CONSUL_TOKEN);
    }

    /** Where the effective value of {@code key} (canonical name) came from; empty for an unset optional key. */
    public Optional<ConfigSource> source(String key) {
        return ConfigKey.byName(key).map(values::get).map(ConfigValidator.Value::source);
    }

    /**
     * The effective configuration, one line per key: name, quoted value ({@code *****} for secrets) and where it
     * came from. Meant to be printed once at start.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey key : ConfigKey.values()) {
            ConfigValidator.Value v = values.get(key);
            if (key == ConfigKey.RETRY_AFTER || key == ConfigKey.VERBOSE) {
                continue; // folded into retry-timeout and log-level
            }
            String shown = v == null ? "(not set)" : '"' + v.shown() + '"';
            String from = v == null ? "" : "  (" + v.source().label()
                    + (v.source() == ConfigSource.DEFAULT ? "" : " " + v.spelledAs()) + ")";
            sb.append(String.format("%-17s = %s%s%n", key.canonical(), shown, from));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            ConfigValidator.Value v = values.get(key);
            if (v != null) {
                parts.add(key.canonical() + "=" + v.shown());
            }
        }
        return "VipConfig{" + String.join(", ", parts) + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VipConfig other)) {
            return false;
        }
        for (ConfigKey key : ConfigKey.values()) {
            Object a = find(key).orElse(null);
            Object b = other.find(key).orElse(null);
            if (!Objects.equals(a, b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ip(), netmask(), interfaceName(), triggerKey(), triggerValue()); // equal configs agree
    }

    @SuppressWarnings("unchecked")
    private <T> T get(ConfigKey key) {
        return (T) values.get(key).value();
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> find(ConfigKey key) {
        ConfigValidator.Value v = values.get(key);
        return v == null ? Optional.empty() : Optional.of((T) v.value());
    }

    /**
     * Collects values from a file map, an environment and typed calls, then {@link #build()}s. Not thread-safe.
     * Typed calls and {@link #set} are the highest precedence; calling one twice keeps the last value.
     */
    public static final class Builder {

        private final ConfigLayers layers = new ConfigLayers();

        private Builder() {
        }

        /**
         * Values as read from a YAML file: canonical or vip-manager's old key names; strings, numbers, booleans, and
         * a list for {@code dcs-endpoints}. Unknown keys are configuration errors.
         */
        public Builder fromFile(Map<String, ?> fileValues) {
            layers.addFile(fileValues);
            return this;
        }

        /** The {@code VIP_*} variables of {@code env} (e.g. {@code System.getenv()}); other variables are ignored. */
        public Builder fromEnvironment(Map<String, String> env) {
            layers.addEnvironment(env);
            return this;
        }

        /** One value in file spelling ({@code interval}, {@code "500ms"}), as a command-line flag gives it. */
        public Builder set(String key, String value) {
            layers.addOverride(key, value, "--" + key);
            return this;
        }

        public Builder ip(InetAddress ip) {
            return typed(ConfigKey.IP, ip.getHostAddress());
        }

        /** The prefix length, e.g. 24. */
        public Builder netmask(int prefixLength) {
            return typed(ConfigKey.NETMASK, Integer.toString(prefixLength));
        }

        /** The {@code interface} key ({@code interface} being a Java keyword). */
        public Builder interfaceName(String name) {
            return typed(ConfigKey.INTERFACE, name);
        }

        /** Sets {@code ip}, {@code netmask} and {@code interface} at once. */
        public Builder virtualAddress(VirtualAddress vip) {
            return ip(vip.address()).netmask(vip.prefixLength()).interfaceName(vip.interfaceName());
        }

        public Builder triggerKey(String key) {
            return typed(ConfigKey.TRIGGER_KEY, key);
        }

        public Builder triggerValue(String value) {
            return typed(ConfigKey.TRIGGER_VALUE, value);
        }

        public Builder dcsType(String type) {
            return typed(ConfigKey.DCS_TYPE, type);
        }

        public Builder dcsEndpoints(URI... endpoints) {
            List<String> parts = new ArrayList<>();
            Arrays.stream(endpoints).forEach(u -> parts.add(u.toString()));
            return typed(ConfigKey.DCS_ENDPOINTS, String.join(",", parts));
        }

        public Builder managerType(String type) {
            return typed(ConfigKey.MANAGER_TYPE, type);
        }

        public Builder interval(Duration d) {
            return typed(ConfigKey.INTERVAL, millis(d));
        }

        public Builder takeoverTimeout(Duration d) {
            return typed(ConfigKey.TAKEOVER_TIMEOUT, millis(d));
        }

        public Builder retryTimeout(Duration d) {
            return typed(ConfigKey.RETRY_TIMEOUT, millis(d));
        }

        public Builder keepalivePeriod(Duration d) {
            return typed(ConfigKey.KEEPALIVE_PERIOD, millis(d));
        }

        /** DEBUG, INFO, WARNING or ERROR. */
        public Builder logLevel(String level) {
            return typed(ConfigKey.LOG_LEVEL, level);
        }

        public Builder retryNum(int n) {
            return typed(ConfigKey.RETRY_NUM, Integer.toString(n));
        }

        public Builder dcsLoss(DcsLossPolicy policy) {
            return typed(ConfigKey.DCS_LOSS, policy.configValue());
        }

        /** {@link Duration#ZERO} turns the handover grace off. */
        public Builder handoverGrace(Duration d) {
            return typed(ConfigKey.HANDOVER_GRACE, millis(d));
        }

        /** {@code promote-check}: before adding, wait (up to takeover-timeout) for this URL to answer 200. */
        public Builder promoteCheck(URI url) {
            return typed(ConfigKey.PROMOTE_CHECK, url.toString());
        }

        /** {@code election}: elect the holder of {@code trigger-key} among eligible nodes instead of following it. */
        public Builder election(boolean elect) {
            return typed(ConfigKey.ELECTION, Boolean.toString(elect));
        }

        public Builder electionTtl(Duration d) {
            return typed(ConfigKey.ELECTION_TTL, millis(d));
        }

        /** {@code none}, an http(s) URL, {@code tcp://host:port} or {@code exec:<command>}. */
        public Builder healthCheck(String check) {
            return typed(ConfigKey.HEALTH_CHECK, check);
        }

        public Builder healthInterval(Duration d) {
            return typed(ConfigKey.HEALTH_INTERVAL, millis(d));
        }

        public Builder healthTimeout(Duration d) {
            return typed(ConfigKey.HEALTH_TIMEOUT, millis(d));
        }

        public Builder healthRise(int n) {
            return typed(ConfigKey.HEALTH_RISE, Integer.toString(n));
        }

        public Builder healthFall(int n) {
            return typed(ConfigKey.HEALTH_FALL, Integer.toString(n));
        }

        /** {@code none}, or a check as {@link #healthCheck(String)} takes, that makes this node a fallback candidate. */
        public Builder fallbackCheck(String check) {
            return typed(ConfigKey.FALLBACK_CHECK, check);
        }

        public Builder fallbackDelay(Duration d) {
            return typed(ConfigKey.FALLBACK_DELAY, millis(d));
        }

        public Builder electionHoldDown(Duration d) {
            return typed(ConfigKey.ELECTION_HOLD_DOWN, millis(d));
        }

        public Builder etcdUser(String user) {
            return typed(ConfigKey.ETCD_USER, user);
        }

        public Builder etcdPassword(String password) {
            return typed(ConfigKey.ETCD_PASSWORD, password);
        }

        public Builder etcdCaFile(Path file) {
            return typed(ConfigKey.ETCD_CA_FILE, file.toString());
        }

        public Builder etcdCertFile(Path file) {
            return typed(ConfigKey.ETCD_CERT_FILE, file.toString());
        }

        public Builder etcdKeyFile(Path file) {
            return typed(ConfigKey.ETCD_KEY_FILE, file.toString());
        }

        public Builder consulToken(String token) {
            return typed(ConfigKey.CONSUL_TOKEN, token);
        }

        /**
         * Validates everything and returns the configuration.
         *
         * @throws VipConfigException listing every problem, each as {@code key=value: what is allowed}
         */
        public VipConfig build() {
            ConfigValidator.Result result = ConfigValidator.validate(layers);
            if (!result.problems().isEmpty()) {
                throw new VipConfigException(result.problems());
            }
            result.warnings().forEach(w -> LOG.warn("configuration: {}", w));
            return new VipConfig(result.values());
        }

        /** The values as given so far, for {@link VipManager#check}. */
        ConfigLayers layers() {
            return layers;
        }

        private Builder typed(ConfigKey key, String text) {
            Objects.requireNonNull(text, key.canonical());
            layers.addOverride(key.canonical(), text, key.canonical());
            return this;
        }

        private static String millis(Duration d) {
            if (d.isNegative()) {
                return "-" + d.abs().toMillis() + "ms";
            }
            return d.toMillis() + "ms";
        }
    }
}
