package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, scenario 7: broken configurations given to the launcher as flags, environment or a YAML file. Each
 * exits 2, names every problem (key as written, value, what is allowed), prints no stack trace and never echoes a
 * password.
 */
class LauncherBrokenConfigurationTest {

    private static final String SECRET = "s3cr3t-never-shown";

    private static Arguments flags(String name, List<String> args, String expected) {
        return Arguments.of(name, args, Map.of(), null, expected);
    }

    private static Arguments env(String name, Map<String, String> env, String expected) {
        return Arguments.of(name, List.of(), env, null, expected);
    }

    private static Arguments yaml(String name, String yaml, String expected) {
        return Arguments.of(name, List.of(), Map.of(), yaml, expected);
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                flags("bad IP", List.of("--ip", "198.51.100.999"), "--ip=198.51.100.999: not an IP address"),
                flags("IPv4 VIP with /64", List.of("--netmask", "64"), "--netmask=64: /64 does not fit the IPv4"),
                flags("unknown interface", List.of("--interface", "nosuch0"), "interface=nosuch0: no such interface"),
                flags("unknown dcs-type", List.of("--dcs-type", "kubernetes"), "dcs-type=kubernetes: no DcsClientProvider"),
                flags("etcd v2", List.of("--dcs-type", "etcd2"), "etcd's v2 API is not supported"),
                flags("unknown manager-type", List.of("--manager-type", "aws"), "manager-type=aws: no "
                        + "AddressManagerProvider"),
                flags("non-numeric interval", List.of("--interval", "fast"), "--interval=fast: not a duration"),
                flags("negative duration", List.of("--keepalive-period", "-1s"), "--keepalive-period=-1s: not a "
                        + "duration"),
                flags("zero takeover-timeout", List.of("--takeover-timeout", "0"), "--takeover-timeout=0: must be "
                        + "above zero"),
                flags("retry-num zero", List.of("--retry-num", "0"), "--retry-num=0: out of range"),
                flags("unknown dcs-loss", List.of("--dcs-loss", "hope"), "--dcs-loss=hope: unknown policy"),
                flags("bad log level", List.of("--log-level", "LOUD"), "--log-level=LOUD: unknown log level"),
                flags("ftp endpoint", List.of("--dcs-endpoints", "ftp://127.0.0.1:2379"), "neither http:// nor https://"),
                flags("password without user", List.of("--etcd-password", SECRET), "--etcd-password=*****: needs "
                        + "etcd-user"),
                flags("user without password", List.of("--etcd-user", "root"), "--etcd-user=root: needs etcd-password"),
                flags("unreadable CA file", List.of("--etcd-ca-file", "/nonexistent/ca.pem"), "--etcd-ca-file="
                        + "/nonexistent/ca.pem: no such file"),
                flags("cert without key", List.of("--etcd-cert-file", "/etc/hostname"), "needs etcd-key-file"),
                flags("unknown flag", List.of("--trigger-kee", "/x"), "Unknown options: '--trigger-kee'"),
                env("missing trigger-key", Map.of("VIP_TRIGGER_KEY", ""), "VIP_TRIGGER_KEY=: empty"),
                env("conflicting old and new names", Map.of("VIP_MASK", "16", "VIP_NETMASK", "24"),
                        "conflicts with"),
                env("password in a bad endpoint URL", Map.of("VIP_DCS_ENDPOINTS", "gopher://root:" + SECRET + "@h"),
                        "gopher://root:*****@h"),
                flags("zookeeper over TLS", List.of("--dcs-type", "zookeeper", "--dcs-endpoints",
                        "https://198.51.100.10:2181"), "dcs-endpoints=https://198.51.100.10:2181: "
                        + "'https://198.51.100.10:2181' asks for TLS"),
                flags("zookeeper chroot before a host", List.of("--dcs-type", "zookeeper", "--dcs-endpoints",
                        "198.51.100.10:2181/pg,198.51.100.11:2181"), "has a chroot (/pg) before another host"),
                env("zookeeper credentials in the connect string", Map.of("VIP_DCS_TYPE", "zookeeper",
                        "VIP_DCS_ENDPOINTS", "root:" + SECRET + "@198.51.100.10:2181"), "carries credentials"),
                flags("election on patroni", List.of("--election", "--dcs-type", "patroni"),
                        "election=true: dcs-type=patroni cannot elect"),
                flags("election on zookeeper", List.of("--election", "--dcs-type", "zookeeper"),
                        "election=true: dcs-type=zookeeper offers no elections"),
                env("election with dcs-loss keep", Map.of("VIP_ELECTION", "true", "VIP_DCS_LOSS", "keep"),
                        "VIP_DCS_LOSS=keep would keep the VIP after the election lease expired"),
                env("election-ttl too short", Map.of("VIP_ELECTION", "true", "VIP_ELECTION_TTL", "2s"),
                        "VIP_ELECTION_TTL=2s: a holder renews its lease every keepalive-period"),
                yaml("health-fall zero", "election: true\nhealth-check: tcp://127.0.0.1:5000\nhealth-fall: 0\n",
                        "health-fall=0: out of range; allowed: a whole number from 1 to 100"),
                yaml("unknown health-check", "election: true\nhealth-check: ping://127.0.0.1\n",
                        "health-check=ping://127.0.0.1: unknown kind of check"),
                env("fallback-check without a port", Map.of("VIP_ELECTION", "true", "VIP_HEALTH_CHECK",
                        "http://127.0.0.1:8008/replica", "VIP_FALLBACK_CHECK", "tcp://127.0.0.1"),
                        "VIP_FALLBACK_CHECK=tcp://127.0.0.1: "),
                yaml("negative hold-down", "election: true\nelection-hold-down: -1s\n", "election-hold-down=-1s: "),
                yaml("YAML syntax error", "ip: [198.51.100.100\n", "not valid YAML"),
                yaml("unknown YAML key", "trigger_kee: /x\n", "trigger_kee=/x: unknown key"),
                yaml("list where one value belongs", "interface: [lo, eth0]\n", "expects a single value, not a list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void exitsTwoNamingTheProblem(String name, List<String> extra, Map<String, String> env, String yaml,
                                  String expected) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("VIP_IP", "198.51.100.100", "VIP_NETMASK", "24",
                "VIP_INTERFACE", "lo", "VIP_TRIGGER_KEY", "/service/pg/leader", "VIP_TRIGGER_VALUE", "n1"));
        environment.putAll(env);
        List<String> args = new ArrayList<>(List.of("check"));
        if (yaml != null) {
            Path file = Files.createTempFile("vip4j-broken-", ".yml");
            Files.writeString(file, yaml);
            args.addAll(List.of("--config", file.toString()));
        }
        args.addAll(extra);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int code = new VipManagerMain(environment, sink, new PrintStream(err, true, StandardCharsets.UTF_8))
                .execute(args.toArray(String[]::new));
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(name + ": " + text).isEqualTo(2);
        assertThat(text).contains(expected).doesNotContain(SECRET).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
