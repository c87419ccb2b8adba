package org.vip4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VipConfigTest {

    private static Map<String, String> minimalEnv() {
        return Map.of("VIP_IP", "198.51.100.100", "VIP_NETMASK", "24", "VIP_INTERFACE", "eth0",
                "VIP_TRIGGER_KEY", "/service/pg/leader", "VIP_TRIGGER_VALUE", "n1");
    }

    private static VipConfigException problemsOf(VipConfig.Builder b) {
        try {
            b.build();
        } catch (VipConfigException e) {
            return e;
        }
        throw new AssertionError("expected a VipConfigException");
    }

    @Nested
    class Defaults {

        @Test
        void areThoseOfTheDesign() {
            VipConfig c = VipConfig.builder().fromEnvironment(minimalEnv()).build();
            assertThat(c.dcsType()).isEqualTo("etcd");
            assertThat(c.dcsEndpoints()).containsExactly(URI.create("http://127.0.0.1:2379"));
            assertThat(c.managerType()).isEqualTo("basic");
            assertThat(c.interval()).isEqualTo(Duration.ofMillis(1000));
            assertThat(c.takeoverTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(c.retryTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(c.keepalivePeriod()).isEqualTo(Duration.ofSeconds(1));
            assertThat(c.retryNum()).isEqualTo(3);
            assertThat(c.dcsLoss()).isEqualTo(DcsLossPolicy.RELEASE);
            assertThat(c.handoverGrace()).isEqualTo(Duration.ofMillis(250));
            assertThat(c.logLevel()).isEqualTo("INFO");
            assertThat(c.dcsLossTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(c.virtualAddress()).hasToString("198.51.100.100/24 on eth0");
            assertThat(c.source("interval")).contains(ConfigSource.DEFAULT);
        }

        @Test
        void endpointsAndTriggerValueDependOnTheDcsType() {
            Map<String, String> env = new LinkedHashMap<>(minimalEnv());
            env.remove("VIP_TRIGGER_VALUE");
            env.put("VIP_DCS_TYPE", "patroni");
            VipConfig patroni = VipConfig.builder().fromEnvironment(env).build();
            assertThat(patroni.dcsEndpoints()).containsExactly(URI.create("http://127.0.0.1:8008"));
            assertThat(patroni.triggerValue()).isEqualTo("200");
            env.put("VIP_DCS_TYPE", "consul");
            VipConfig consul = VipConfig.builder().fromEnvironment(env).build();
            assertThat(consul.dcsEndpoints()).containsExactly(URI.create("http://127.0.0.1:8500"));
            assertThat(consul.triggerValue()).isNotBlank(); // the host name
        }
    }

    @Nested
    class Precedence {

        @Test
        void builderBeatsEnvironmentBeatsFileWhateverTheOrder() {
            VipConfig c = VipConfig.builder()
                    .interval(Duration.ofMillis(300))
                    .fromEnvironment(Map.of("VIP_INTERVAL", "200", "VIP_RETRY_NUM", "5"))
                    .fromFile(Map.of("interval", 100, "retry-num", 4, "keepalive-period", "2s"))
                    .fromEnvironment(minimalEnv())
                    .build();
            assertThat(c.interval()).isEqualTo(Duration.ofMillis(300));
            assertThat(c.retryNum()).isEqualTo(5);
            assertThat(c.keepalivePeriod()).isEqualTo(Duration.ofSeconds(2));
            assertThat(c.source("interval")).contains(ConfigSource.OVERRIDE);
            assertThat(c.source("retry-num")).contains(ConfigSource.ENVIRONMENT);
            assertThat(c.source("keepalive-period")).contains(ConfigSource.FILE);
        }

        @Test
        void durationsTakeTheirKeysUnitWhenBareAndSuffixesAlways() {
            VipConfig c = VipConfig.builder().fromEnvironment(minimalEnv())
                    .set("interval", "250").set("takeover-timeout", "2").set("retry-timeout", "1500ms")
                    .set("keepalive-period", "1m").set("handover-grace", "0").build();
            assertThat(c.interval()).isEqualTo(Duration.ofMillis(250));
            assertThat(c.takeoverTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(c.retryTimeout()).isEqualTo(Duration.ofMillis(1500));
            assertThat(c.keepalivePeriod()).isEqualTo(Duration.ofMinutes(1));
            assertThat(c.handoverGrace()).isZero();
        }
    }

    @Nested
    class VipManagerCompatibility {

        @Test
        void debiansGeneratedEnvironmentFileWorksUnchanged() {
            // what pg_createconfig_patroni --vip writes: old and new names side by side, same values
            Map<String, String> env = Map.ofEntries(
                    Map.entry("VIP_IP", "198.51.100.100"), Map.entry("VIP_MASK", "24"),
                    Map.entry("VIP_NETMASK", "24"), Map.entry("VIP_IFACE", "eth0"),
                    Map.entry("VIP_KEY", "/postgresql-common/15-main/leader"),
                    Map.entry("VIP_TRIGGER_KEY", "/postgresql-common/15-main/leader"),
                    Map.entry("VIP_HOST", "pg1"), Map.entry("VIP_TRIGGER_VALUE", "pg1"),
                    Map.entry("VIP_TYPE", "etcd"), Map.entry("VIP_ENDPOINT", "http://127.0.0.1:2379"),
                    Map.entry("VIP_DCS_ENDPOINTS", "http://127.0.0.1:2379"));
            VipConfig c = VipConfig.builder().fromEnvironment(env).build();
            assertThat(c.triggerKey()).isEqualTo("/postgresql-common/15-main/leader");
            assertThat(c.triggerValue()).isEqualTo("pg1");
            assertThat(c.interfaceName()).isEqualTo("eth0");
        }

        @Test
        void vipManager1xYamlWithOldNamesAndAnEndpointListWorks() {
            Map<String, Object> yaml = new LinkedHashMap<>();
            yaml.put("ip", "198.51.100.100");
            yaml.put("mask", 24);
            yaml.put("iface", "eth0");
            yaml.put("key", "/service/pg/leader");
            yaml.put("nodename", "n1");
            yaml.put("endpoint_type", "etcd3");
            yaml.put("endpoints", List.of("http://127.0.0.1:2379", "127.0.0.2:2379"));
            yaml.put("hosting_type", "basic");
            yaml.put("retry_num", 2);
            yaml.put("retry_after", 250);
            VipConfig c = VipConfig.builder().fromFile(yaml).build();
            assertThat(c.netmask()).isEqualTo(24);
            assertThat(c.dcsType()).isEqualTo("etcd");
            assertThat(c.dcsEndpoints()).containsExactly(URI.create("http://127.0.0.1:2379"),
                    URI.create("http://127.0.0.2:2379"));
            assertThat(c.retryNum()).isEqualTo(2);
            assertThat(c.retryTimeout()).as("retry-after maps to retry-timeout").isEqualTo(Duration.ofMillis(250));
        }

        @Test
        void oldAndNewNameWithDifferentValuesIsAnErrorNamingBoth() {
            Map<String, String> env = new LinkedHashMap<>(minimalEnv());
            env.put("VIP_MASK", "16");
            VipConfigException e = problemsOf(VipConfig.builder().fromEnvironment(env));
            assertThat(e.problems()).singleElement().asString()
                    .contains("VIP_MASK=16").contains("VIP_NETMASK=24").contains("netmask");
        }

        @Test
        void dottedNetmaskAndVerboseAreUnderstood() {
            Map<String, String> env = new LinkedHashMap<>(minimalEnv());
            env.put("VIP_NETMASK", "255.255.255.0");
            env.put("VIP_VERBOSE", "true");
            VipConfig c = VipConfig.builder().fromEnvironment(env).build();
            assertThat(c.netmask()).isEqualTo(24);
            assertThat(c.logLevel()).isEqualTo("DEBUG");
        }

        @Test
        void logLevelTakesVipManagersEnvironmentSpelling() {
            Map<String, String> env = new LinkedHashMap<>(minimalEnv());
            env.put("VIP_LOGLEVEL", "warning");
            assertThat(VipConfig.builder().fromEnvironment(env).build().logLevel()).isEqualTo("WARNING");
            env.remove("VIP_LOGLEVEL");
            env.put("VIP_LOG_LEVEL", "error");
            assertThat(VipConfig.builder().fromEnvironment(env).build().logLevel()).isEqualTo("ERROR");
        }

        @Test
        void etcdsV2ApiIsRefusedWithTheReason() {
            Map<String, String> env = new LinkedHashMap<>(minimalEnv());
            env.put("VIP_DCS_TYPE", "etcd2");
            assertThat(problemsOf(VipConfig.builder().fromEnvironment(env)).problems()).singleElement().asString()
                    .contains("VIP_DCS_TYPE=etcd2").contains("v2 API is not supported");
        }
    }

    @Nested
    class Validation {

        @Test
        void reportsEveryProblemAtOnceEachWithKeyValueAndWhatIsAllowed() {
            VipConfigException e = problemsOf(VipConfig.builder().fromFile(Map.of(
                    "ip", "198.51.100.300", "netmask", "33x", "interface", "eth0/1",
                    "interval", "soon", "retry-num", 0, "dcs-loss", "maybe", "dcs-endpoints", "ftp://x",
                    "log-level", "LOUD", "typo-key", "1")));
            assertThat(e.problems()).hasSize(10);
            assertThat(e.getMessage())
                    .contains("ip=198.51.100.300: not an IP address; allowed: the virtual IP address")
                    .contains("netmask=33x: neither a prefix length nor a dotted mask")
                    .contains("interface=eth0/1: not a valid interface name")
                    .contains("interval=soon: not a duration; allowed: a positive duration")
                    .contains("retry-num=0: out of range; allowed: a whole number from 1 to 100")
                    .contains("dcs-loss=maybe: unknown policy; allowed: release or keep")
                    .contains("dcs-endpoints=ftp://x: 'ftp://x' is neither http:// nor https://")
                    .contains("log-level=LOUD: unknown log level")
                    .contains("typo-key=1: unknown key; known keys are ip, netmask")
                    .contains("trigger-key (VIP_TRIGGER_KEY, --trigger-key) is required");
        }

        @Test
        void anIpv4VipWithASlash64IsRefused() {
            Map<String, String> env = new LinkedHashMap<>(minimalEnv());
            env.put("VIP_NETMASK", "64");
            assertThat(problemsOf(VipConfig.builder().fromEnvironment(env)).getMessage())
                    .contains("VIP_NETMASK=64: /64 does not fit the IPv4 address 198.51.100.100");
        }

        @Test
        void ipv6VipsTakePrefixesUpTo128() {
            Map<String, String> env = new LinkedHashMap<>(minimalEnv());
            env.put("VIP_IP", "2001:db8::100");
            env.put("VIP_NETMASK", "64");
            VipConfig c = VipConfig.builder().fromEnvironment(env).build();
            assertThat(c.virtualAddress().isIpv6()).isTrue();
            assertThat(c.virtualAddress().cidr()).isEqualTo("2001:db8::100/64");
        }

        @Test
        void negativeAndZeroDurationsAreRefused() {
            VipConfigException e = problemsOf(VipConfig.builder().fromEnvironment(minimalEnv())
                    .keepalivePeriod(Duration.ofSeconds(-1)).set("interval", "0"));
            assertThat(e.problems()).hasSize(2);
            assertThat(e.getMessage()).contains("keepalive-period=-1000ms").contains("interval=0: must be above zero");
        }

        @Test
        void credentialsComeInPairsAndFilesMustBeReadable(@TempDir Path dir) throws IOException {
            Path cert = Files.writeString(dir.resolve("client.pem"), "x");
            VipConfigException e = problemsOf(VipConfig.builder().fromEnvironment(minimalEnv())
                    .etcdPassword("s3cret").etcdCertFile(cert).etcdCaFile(dir.resolve("missing-ca.pem")));
            assertThat(e.getMessage())
                    .contains("etcd-password=*****: needs etcd-user as well")
                    .contains("etcd-cert-file=" + cert + ": needs etcd-key-file as well")
                    .contains("missing-ca.pem: no such file")
                    .doesNotContain("s3cret");
        }
    }

    @Nested
    class Secrets {

        @Test
        void neverAppearInToStringDescribeOrErrors() {
            VipConfig c = VipConfig.builder().fromEnvironment(minimalEnv())
                    .etcdUser("root").etcdPassword("s3cret").consulToken("t0ken")
                    .dcsEndpoints(URI.create("http://root:s3cret@127.0.0.1:2379")).build();
            assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("t0ken").contains("*****");
            assertThat(c.describe()).doesNotContain("s3cret").doesNotContain("t0ken");
            assertThat(c.etcdPassword()).contains("s3cret");
            VipConfigException e = problemsOf(VipConfig.builder().fromEnvironment(minimalEnv())
                    .set("dcs-endpoints", "gopher://root:s3cret@host").set("consul-token", " "));
            assertThat(e.getMessage()).doesNotContain("s3cret").contains("consul-token=*****");
        }

        @Test
        void describeShowsEveryKeyWithItsSource() {
            VipConfig c = VipConfig.builder().fromEnvironment(minimalEnv()).set("interval", "500ms").build();
            String d = c.describe();
            assertThat(d).contains("ip                = \"198.51.100.100\"  (env VIP_IP)")
                    .contains("interval          = \"500ms\"  (flag/builder --interval)")
                    .contains("keepalive-period  = \"1s\"  (default)")
                    .contains("etcd-password     = (not set)");
        }
    }
}
