package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's command line, files and exit codes, without starting managers ({@code check}). */
class VipManagerMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return new VipManagerMain(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(stdout()).contains("Usage: vip4j").contains("--trigger-key").contains("--interface")
                .contains("Exit codes: 0 stopped normally, 2 bad configuration, 1 runtime failure");
        assertThat(run(Map.of(), "--version")).isZero();
        assertThat(stdout()).contains("vip4j ");
    }

    @Test
    void helpShowsCanonicalNamesAndListsEachOldNameOnceAtTheEnd() {
        assertThat(run(Map.of(), "--help")).isZero();
        String help = stdout();
        String options = help.substring(0, help.indexOf("Coming from vip-manager"));
        for (String old : List.of("--iface", "--hostingtype", "--key", "--mask", "--endpoint", "--type")) {
            assertThat(options).as("option list and usage line").doesNotContain(old + " ").doesNotContain(old + "=")
                    .doesNotContain(old + ",");
            assertThat(help.split(java.util.regex.Pattern.quote(old) + "\\b", -1)).as(old).hasSize(2);
        }
        assertThat(help).contains("--iface = --interface");
    }

    @Test
    void anOldNameIsStillAcceptedButNotBesideItsCanonicalName() {
        assertThat(run(Map.of(), "check", "--ip", "198.51.100.100", "--mask", "24", "--iface", "lo", "--key",
                "/service/pg/leader", "--trigger-value", "n1")).isZero();
        assertThat(run(Map.of(), "check", "--ip", "198.51.100.100", "--netmask", "24", "--mask", "24",
                "--interface", "lo", "--trigger-key", "/k", "--trigger-value", "n1")).isEqualTo(2);
        assertThat(stderr()).contains("--netmask is given twice").contains("--mask");
    }

    @Test
    void javaUtilLoggingGoesToTheSameLogAsEverythingElse() {
        assertThat(run(Map.of(), "check", "--ip", "198.51.100.100", "--netmask", "24", "--interface", "lo",
                "--trigger-key", "/k", "--trigger-value", "n1")).isZero();
        // gRPC's records (java.util.logging) reach SLF4J, in the launcher's one format
        assertThat(org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()).isTrue();
        assertThat(java.util.logging.Logger.getLogger("").getHandlers()).singleElement()
                .isInstanceOf(org.slf4j.bridge.SLF4JBridgeHandler.class);
    }

    @Test
    void completionScriptCompletesCanonicalNames() {
        assertThat(run(Map.of(), "completion")).isZero();
        assertThat(stdout()).contains("complete -F").contains("--trigger-key").contains("--keep-on-stop")
                .doesNotContain("--iface");
    }

    @Test
    void checkPrintsTheEffectiveConfigurationWithSources() {
        int code = run(Map.of("VIP_IP", "198.51.100.100", "VIP_NETMASK", "24", "VIP_TRIGGER_KEY", "/service/pg/leader"),
                "check", "--interface", "lo", "--trigger-value", "n1", "--interval", "500ms");
        assertThat(code).as(stderr()).isZero();
        assertThat(stdout()).contains("ip                = \"198.51.100.100\"  (env VIP_IP)")
                .contains("interval          = \"500ms\"  (flag/builder --interval)")
                .contains("configuration OK: 1 VIP");
    }

    @Test
    void aVipManager1xYamlFileWorksUnchanged(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("vip-manager.yml"), String.join("\n",
                "ip: 198.51.100.100", "mask: 24", "iface: lo", "key: /service/pg/leader", "nodename: pg1",
                "endpoint_type: etcd3", "endpoints:", "  - http://127.0.0.1:2379", "hosting_type: basic",
                "retry_num: 2", "retry_after: 250", ""));
        assertThat(run(Map.of(), "check", "--config", yml.toString())).as(stderr()).isZero();
        assertThat(stdout()).contains("trigger-value     = \"pg1\"  (file nodename)")
                .contains("retry-timeout     = \"250ms\"  (file retry_after)");
    }

    @Test
    void aMultiVipFileSharesTheDcsSettings(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("vips.yml"), String.join("\n",
                "dcs-endpoints: http://127.0.0.1:2379", "interface: lo", "netmask: 24", "trigger-value: n1",
                "vips:", "  - ip: 198.51.100.100", "    trigger-key: /service/a/leader",
                "  - ip: 198.51.100.101", "    trigger-key: /service/b/leader", ""));
        assertThat(run(Map.of(), "check", "--config", yml.toString())).as(stderr()).isZero();
        assertThat(stdout()).contains("configuration OK: 2 VIPs").contains("/service/a/leader")
                .contains("198.51.100.101");
    }

    @Test
    void dcsSettingsInsideAVipEntryAreRefused(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("vips.yml"), String.join("\n",
                "interface: lo", "netmask: 24", "trigger-value: n1", "vips:",
                "  - {ip: 198.51.100.100, trigger-key: /a, dcs-endpoints: http://127.0.0.2:2379}", ""));
        assertThat(run(Map.of(), "check", "--config", yml.toString())).isEqualTo(2);
        assertThat(stderr()).contains("dcs-endpoints is shared by all VIPs of a file");
    }

    @Test
    void everyProblemIsPrintedOncePerLineWithExitTwoAndNoSecret() {
        int code = run(Map.of("VIP_ETCD_PASSWORD", "hunter2"), "check", "--ip", "198.51.100.300", "--interface",
                "nope0", "--interval", "soon", "--dcs-type", "kubernetes");
        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains("vip4j: invalid configuration (7 problems):")
                .contains("  - netmask (VIP_NETMASK, --netmask) is required")
                .contains("  - --ip=198.51.100.300: not an IP address")
                .contains("  - --interval=soon: not a duration")
                .contains("  - trigger-key (VIP_TRIGGER_KEY, --trigger-key) is required")
                .contains("  - VIP_ETCD_PASSWORD=*****: needs etcd-user as well")
                .contains("  - dcs-type=kubernetes: no DcsClientProvider of that type on the class path; found: "
                        + "[consul, etcd, patroni, zookeeper]")
                .contains("  - interface=nope0: no such interface in this network namespace; found: [")
                .doesNotContain("hunter2").doesNotContain("Exception");
    }

    @Test
    void aYamlSyntaxErrorIsABadConfiguration(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("broken.yml"), "ip: [198.51.100.100\nnetmask: 24\n");
        assertThat(run(Map.of(), "check", "--config", yml.toString())).isEqualTo(2);
        assertThat(stderr()).contains("config=" + yml + ": not valid YAML");
        assertThat(run(Map.of(), "check", "--config", dir.resolve("missing.yml").toString())).isEqualTo(2);
        assertThat(stderr()).contains("missing.yml: no such file");
    }

    @Test
    void theNiceValueIsCheckedAgainstTheKernelsRange() {
        Map<String, String> env = Map.of("VIP_IP", "198.51.100.100", "VIP_NETMASK", "24", "VIP_INTERFACE", "lo",
                "VIP_TRIGGER_KEY", "/service/pg/leader", "VIP_TRIGGER_VALUE", "n1");
        assertThat(run(env, "check", "--nice", "-5")).as(stderr()).isZero();
        assertThat(run(env, "check", "--nice", "25")).isEqualTo(2);
        assertThat(stderr()).contains("--nice: 25 is not allowed; allowed: an integer from -20 (highest priority) to 19"
                + " (lowest)");
        assertThat(run(env, "check", "--nice", "high")).isEqualTo(2);
        assertThat(stderr()).contains("Invalid value for option '--nice': 'high' is not an int");
    }

    @Test
    void anUnknownCommandOrFlagIsABadConfiguration() {
        assertThat(run(Map.of(), "start")).isEqualTo(2);
        assertThat(stderr()).contains("unknown command 'start'; allowed: run, check");
        assertThat(run(Map.of(), "--no-such-flag")).isEqualTo(2);
        assertThat(stderr()).contains("Unknown option: '--no-such-flag'");
    }
}
