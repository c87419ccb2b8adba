package org.vip4j.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vip4j.ConfigKey;
import picocli.CommandLine;

/**
 * Writes the files the Debian package installs that come from the launcher's own key table and command line, so
 * they cannot drift from what the launcher accepts: {@code /etc/default/vip4j} (every key, commented), the bash
 * completion script and the {@code --help} text. Run by the build ({@code exec:java}, package phase).
 */
public final class PackageFiles {

    private PackageFiles() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("default"), environmentFile());
        CommandLine cl = LauncherOptions.commandLine();
        Files.writeString(dir.resolve("vip4j.bash-completion"), LauncherOptions.bashCompletion(cl));
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        cl.usage(new PrintStream(help, true, StandardCharsets.UTF_8));
        Files.write(dir.resolve("vip4j-help.txt"), help.toByteArray());
    }

    static String environmentFile() {
        StringBuilder b = new StringBuilder();
        b.append("# Settings of vip4j.service, read by systemd (EnvironmentFile=): the VIP_* variables vip-manager reads.\n")
                .append("# Set at least ")
                .append(String.join(", ", ConfigKey.REQUIRED.stream().map(ConfigKey::envName).toList()))
                .append(" and VIP_DCS_ENDPOINTS, then check them:\n")
                .append("#   sudo sh -c 'set -a; . /etc/default/vip4j; vip4j check'\n")
                .append("# and start: systemctl enable --now vip4j. Every key below is shown with its default, commented out.\n")
                .append("# A vip-manager YAML file works too: VIP_CONFIG=/etc/vip4j/vip4j.yml (these variables override it).\n")
                .append("# For a Debian Patroni cluster use vip4j@<version>-<cluster> instead: it reads /etc/patroni/<version>-<cluster>.vip.\n");
        for (ConfigKey key : ConfigKey.values()) {
            b.append('\n').append("# ").append(key.canonical()).append(": ").append(key.allowed());
            if (ConfigKey.REQUIRED.contains(key)) {
                b.append(" (required)");
            }
            b.append('\n');
            b.append('#').append(key.envName()).append('=').append(key.defaultText().orElse("")).append('\n');
        }
        return b.toString();
    }
}
