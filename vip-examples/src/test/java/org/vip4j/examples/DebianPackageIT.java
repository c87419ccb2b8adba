package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.vip4j.ConfigKey;

/**
 * The Debian package the build makes, as a user gets it: lintian clean (each override explained in the package),
 * installed with {@code dpkg -i} on this machine, {@code vip4j check} from the installed files against
 * {@code /etc/default/vip4j} and against a Debian Patroni {@code .vip} file (and with the CDS archive postinst made
 * for this machine's JVM), both units accepted by
 * {@code systemd-analyze verify}, and purged again without a file left behind. Needs root, dpkg, lintian and
 * systemd-analyze ({@code scripts/install-deps.sh} installs them); refuses to run where a vip4j package is installed
 * already, since it would remove it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageIT {

    private static final Path TARGET = Path.of("target");
    /** Named so that it cannot be a real cluster's file; removed after the test. */
    private static final Path VIP_FILE = Path.of("/etc/patroni/15-vip4jtest.vip");
    private static final Path CDS_ARCHIVE = Path.of("/var/cache/vip4j/vip4j.jsa");
    private static Path deb;
    private static boolean installed;
    private static List<String> packageFiles = List.of();

    @BeforeAll
    static void preconditions() throws Exception {
        assertThat(run("id", "-u").out().trim()).as("DebianPackageIT installs a package: it needs root").isEqualTo("0");
        for (String tool : List.of("dpkg", "dpkg-deb", "lintian", "systemd-analyze")) {
            assertThat(run("sh", "-c", "command -v " + tool).code())
                    .as(tool + " is missing (scripts/install-deps.sh installs it)").isZero();
        }
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> debs = files.filter(p -> p.getFileName().toString().matches("vip4j_.*_all\\.deb")).toList();
            assertThat(debs).as("the package built by mvn package in vip-examples/target").hasSize(1);
            deb = debs.get(0).toAbsolutePath();
        }
        assertThat(run("dpkg-query", "-W", "-f=${Status}", "vip4j").out())
                .as("a vip4j package is installed on this machine; this test would purge it: remove it first")
                .doesNotContain("installed");
    }

    @AfterAll
    static void purge() throws Exception {
        Files.deleteIfExists(VIP_FILE);
        if (installed) {
            run("dpkg", "--purge", "vip4j");
        }
    }

    @Test
    @Order(1)
    void lintianFindsNoErrorOrWarning() throws Exception {
        Result r = run("lintian", "--fail-on", "error,warning", deb.toString());
        System.out.println("lintian: exit " + r.code() + "\n" + r.out());
        assertThat(r.code()).as("lintian " + deb + ":\n" + r.out()).isZero();
        assertThat(r.out()).doesNotContain("E: ").doesNotContain("W: ");
    }

    @Test
    @Order(2)
    void installsWithDpkgAndShipsTheLauncherTheUnitsAndEveryKey() throws Exception {
        Result r = run("dpkg", "-i", deb.toString());
        installed = true;
        assertThat(r.code()).as("dpkg -i:\n" + r.out()).isZero();
        packageFiles = run("dpkg", "-L", "vip4j").out().lines().toList();
        assertThat(packageFiles).contains("/usr/bin/vip4j", "/usr/share/vip4j/vip4j.jar", "/lib/systemd/system/vip4j.service",
                "/lib/systemd/system/vip4j@.service", "/etc/default/vip4j", "/usr/share/bash-completion/completions/vip4j",
                "/usr/share/doc/vip4j/copyright", "/usr/share/doc/vip4j/vip4j-help.txt",
                "/usr/share/vip4j/vip4j.classlist");
        // postinst made the class-data sharing archive for this machine's JVM
        assertThat(r.out()).contains("vip4j: CDS archive " + CDS_ARCHIVE + " for /usr/share/vip4j/vip4j.jar");
        assertThat(CDS_ARCHIVE).isRegularFile();
        String defaults = Files.readString(Path.of("/etc/default/vip4j"));
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(defaults).as("/etc/default/vip4j lists every key").contains("#" + key.envName() + "=");
        }
        Result version = run("/usr/bin/vip4j", "--version");
        assertThat(version.code()).isZero();
        assertThat(version.out().trim()).matches("vip4j \\d+\\.\\d+\\.\\d+.*");
        System.out.println("installed: " + version.out().trim() + ", " + packageFiles.size() + " paths");
    }

    @Test
    @Order(3)
    void checkRunsFromTheInstalledFilesAgainstTheDefaultFile() throws Exception {
        Path file = Path.of("/etc/default/vip4j");
        String filled = Files.readString(file).replace("#VIP_IP=\n", "VIP_IP=198.51.100.100\n")
                .replace("#VIP_NETMASK=\n", "VIP_NETMASK=24\n").replace("#VIP_INTERFACE=\n", "VIP_INTERFACE=lo\n")
                .replace("#VIP_TRIGGER_KEY=\n", "VIP_TRIGGER_KEY=/service/pg/leader\n")
                .replace("#VIP_TRIGGER_VALUE=\n", "VIP_TRIGGER_VALUE=pg1\n");
        Files.writeString(file, filled);
        Result r = run("sh", "-c", "set -a; . /etc/default/vip4j; exec /usr/bin/vip4j check");
        assertThat(r.code()).as("vip4j check with /etc/default/vip4j:\n" + r.out()).isZero();
        assertThat(r.out()).contains("configuration OK: 1 VIP").contains("/service/pg/leader").contains("198.51.100.100");
        // the installed start script maps the archive: with -Xshare:on a JVM that cannot use it refuses to start
        Result shared = run("sh", "-c", "set -a; . /etc/default/vip4j; JAVA_TOOL_OPTIONS=-Xshare:on "
                + "exec /usr/bin/vip4j check");
        assertThat(shared.code()).as("vip4j check with the CDS archive required:\n" + shared.out()).isZero();
        assertThat(shared.out()).contains("configuration OK: 1 VIP");
    }

    @Test
    @Order(4)
    void checkRunsAgainstADebianPatroniVipFile() throws Exception {
        // what pg_createconfig_patroni --vip writes from Debian's vip.in: old and new names side by side
        Files.createDirectories(VIP_FILE.getParent());
        Files.writeString(VIP_FILE, String.join("\n", "VIP_IP=198.51.100.100", "VIP_MASK=24", "VIP_NETMASK=24",
                "VIP_IFACE=lo", "VIP_INTERFACE=lo", "VIP_KEY=/postgresql-common/15-vip4jtest/leader",
                "VIP_TRIGGER_KEY=/postgresql-common/15-vip4jtest/leader", "VIP_HOST=pg1", "VIP_TRIGGER_VALUE=pg1",
                "VIP_TYPE=etcd", "VIP_ENDPOINT=http://127.0.0.1:2379", "VIP_DCS_ENDPOINTS=http://127.0.0.1:2379", ""));
        Result r = run("sh", "-c", "set -a; . " + VIP_FILE + "; exec /usr/bin/vip4j check");
        assertThat(r.code()).as("vip4j check with " + VIP_FILE + ":\n" + r.out()).isZero();
        assertThat(r.out()).contains("configuration OK: 1 VIP").contains("/postgresql-common/15-vip4jtest/leader");
    }

    @Test
    @Order(5)
    void systemdAcceptsBothUnits() throws Exception {
        Result plain = run("systemd-analyze", "verify", "/lib/systemd/system/vip4j.service");
        assertThat(plain.code()).as("systemd-analyze verify vip4j.service:\n" + plain.out()).isZero();
        // a template is verified as one of its instances
        Path dir = Files.createTempDirectory("vip4j-units");
        Path instance = dir.resolve("vip4j@15-vip4jtest.service");
        try {
            Files.copy(Path.of("/lib/systemd/system/vip4j@.service"), instance);
            Result templated = run("systemd-analyze", "verify", instance.toString());
            assertThat(templated.code()).as("systemd-analyze verify vip4j@.service:\n" + templated.out()).isZero();
        } finally {
            Files.deleteIfExists(instance);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    @Order(6)
    void purgeLeavesNoFileBehind() throws Exception {
        assertThat(packageFiles).as("installed first").isNotEmpty();
        Result r = run("dpkg", "--purge", "vip4j");
        assertThat(r.code()).as("dpkg --purge:\n" + r.out()).isZero();
        installed = false;
        List<String> left = new ArrayList<>();
        for (String f : packageFiles) {
            Path p = Path.of(f);
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
                left.add(f);
            }
        }
        assertThat(left).as("files of the package still there after purge").isEmpty();
        assertThat(Path.of("/usr/share/vip4j")).doesNotExist();
        assertThat(Path.of("/usr/share/doc/vip4j")).doesNotExist();
        assertThat(CDS_ARCHIVE.getParent()).as("the CDS archive postinst made").doesNotExist();
    }

    private record Result(int code, String out) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
