package org.vip4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken configurations an operator may write, each refused with a message naming the key as written, the value and
 * what is allowed, never echoing a secret. The launcher turns these into exit code 2.
 */
class BrokenConfigurationTest {

    private static Map<String, Object> valid() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ip", "198.51.100.100");
        m.put("netmask", 24);
        m.put("interface", "eth0");
        m.put("trigger-key", "/service/pg/leader");
        m.put("trigger-value", "n1");
        return m;
    }

    private static Arguments broken(String name, String key, Object value, String... expected) {
        Map<String, Object> m = valid();
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return Arguments.of(name, m, expected);
    }

    private static Arguments withIp(String name, String ip, String key, Object value, String... expected) {
        Arguments a = broken(name, key, value, expected);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) a.get()[1];
        m.put("ip", ip);
        return a;
    }

    static Stream<Arguments> configurations() {
        return Stream.of(
                broken("not an IP", "ip", "198.51.100", "ip=198.51.100: not an IP address; allowed:"),
                broken("octet above 255", "ip", "198.51.100.256", "ip=198.51.100.256: not an IP address"),
                broken("host name instead of IP", "ip", "db.example.org", "ip=db.example.org: not an IP address"),
                broken("IPv4 VIP with /64", "netmask", 64, "netmask=64: /64 does not fit the IPv4 address"),
                broken("the subnet's network address", "ip", "198.51.100.0", "ip=198.51.100.0: the network address"
                        + " of its /24, not a host address; allowed: the virtual IP address"),
                broken("the subnet's broadcast address", "ip", "198.51.100.255", "ip=198.51.100.255: the broadcast "
                        + "address of its /24, not a host address"),
                withIp("dotted mask for an IPv6 VIP", "2001:db8::10", "netmask", "255.255.255.0",
                        "netmask=255.255.255.0: a dotted mask is IPv4 notation and does not fit the IPv6 address "
                                + "2001:db8::10 (give a prefix length, e.g. 64); allowed: a prefix length"),
                withIp("a wrong IPv4 ip does not hide a wrong netmask", "198.51.100.300", "netmask", 33,
                        "ip=198.51.100.300: not an IP address",
                        "netmask=33: /33 does not fit the IPv4 address 198.51.100.300 (at most 32)"),
                withIp("a wrong IPv6 ip does not hide a dotted netmask", "2001:db8::zz", "netmask", "255.255.0.0",
                        "ip=2001:db8::zz: not an IP address",
                        "netmask=255.255.0.0: a dotted mask is IPv4 notation and does not fit the IPv6 address "
                                + "2001:db8::zz"),
                broken("non-contiguous mask", "netmask", "255.0.255.0", "netmask=255.0.255.0: the mask's bits"),
                broken("prefix above 128", "netmask", 129, "netmask=129: prefix length above 128"),
                broken("interface with a slash", "interface", "eth0/1", "interface=eth0/1: not a valid interface"),
                broken("interface name too long", "interface", "averyverylongifname",
                        "interface=averyverylongifname: not a valid interface name"),
                broken("missing trigger-key", "trigger-key", null, "trigger-key (VIP_TRIGGER_KEY, --trigger-key) is "
                        + "required"),
                broken("missing ip", "ip", null, "ip (VIP_IP, --ip) is required"),
                broken("non-numeric interval", "interval", "fast", "interval=fast: not a duration; allowed: a "
                        + "positive duration"),
                broken("negative duration", "keepalive-period", "-1", "keepalive-period=-1: not a duration"),
                broken("zero interval", "interval", 0, "interval=0: must be above zero"),
                broken("unknown unit", "takeover-timeout", "5h", "takeover-timeout=5h: not a duration"),
                broken("retry-num zero", "retry-num", 0, "retry-num=0: out of range; allowed: a whole number from 1"),
                broken("retry-num text", "retry-num", "three", "retry-num=three: not a whole number"),
                broken("unknown dcs-loss", "dcs-loss", "hope", "dcs-loss=hope: unknown policy; allowed: release or "
                        + "keep"),
                broken("etcd v2", "dcs-type", "etcd2", "dcs-type=etcd2: etcd's v2 API is not supported"),
                broken("bad dcs-type syntax", "dcs-type", "etc d", "dcs-type=etc d: not a type name"),
                broken("ftp endpoint", "dcs-endpoints", "ftp://127.0.0.1:2379", "is neither http:// nor https://"),
                broken("endpoint without host", "dcs-endpoints", "http://", "dcs-endpoints=http://:"),
                broken("unknown log level", "log-level", "CHATTY", "log-level=CHATTY: unknown log level"),
                broken("verbose not boolean", "verbose", "loud", "verbose=loud: not a boolean"),
                broken("password without user", "etcd-password", "hunter2", "etcd-password=*****: needs etcd-user"),
                broken("user without password", "etcd-user", "root", "etcd-user=root: needs etcd-password"),
                broken("unreadable CA file", "etcd-ca-file", "/nonexistent/ca.pem",
                        "etcd-ca-file=/nonexistent/ca.pem: no such file"),
                broken("cert without key", "etcd-cert-file", "/etc/hostname", "etcd-cert-file=/etc/hostname: needs "
                        + "etcd-key-file"),
                broken("unknown key", "trigger_key_typo", "x", "trigger_key_typo=x: unknown key"),
                broken("list where one value belongs", "interface", java.util.List.of("eth0", "eth1"),
                        "interface=[eth0, eth1]: expects a single value, not a list"),
                broken("empty trigger-value", "trigger-value", " ", "trigger-value= : empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void isRefusedWithKeyValueAndWhatIsAllowed(String name, Map<String, Object> file, String[] expected) {
        try {
            VipConfig.builder().fromFile(file).build();
            fail("accepted a broken configuration: " + name);
        } catch (VipConfigException e) {
            for (String part : expected) {
                assertThat(e.getMessage()).contains(part);
            }
            assertThat(e.getMessage()).doesNotContain("hunter2");
            assertThat(e.problems()).isNotEmpty();
        }
    }

    @Test
    void manyMistakesInOneFileAreAllReportedAtOnce() {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("ip", "198.51.100.256");
        file.put("netmask", "255.0.255.0");
        file.put("interface", "eth0/1");
        file.put("interval", "fast");
        file.put("keepalive-period", "-1");
        file.put("retry-num", 0);
        file.put("dcs-loss", "hope");
        file.put("dcs-type", "etcd2");
        file.put("log-level", "CHATTY");
        file.put("etcd-password", "hunter2");
        file.put("etcd-ca-file", "/nonexistent/ca.pem");
        file.put("trigger_key_typo", "x");
        try {
            VipConfig.builder().fromFile(file).build();
            fail("accepted a broken configuration");
        } catch (VipConfigException e) {
            // the twelve above, plus the missing trigger-key
            assertThat(e.problems()).hasSize(13);
            for (String key : file.keySet()) {
                assertThat(e.getMessage()).contains(key + "=");
            }
            assertThat(e.getMessage()).contains("trigger-key (VIP_TRIGGER_KEY, --trigger-key) is required")
                    .doesNotContain("hunter2");
        }
    }
}
