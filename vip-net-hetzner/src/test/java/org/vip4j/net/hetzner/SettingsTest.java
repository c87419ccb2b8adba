package org.vip4j.net.hetzner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials and identity: every missing or invalid setting named at once, secrets never shown. */
class SettingsTest {

    private static final String SECRET = "s3cr3t-never-shown";

    @TempDir
    Path dir;

    @Test
    void robotWithNothingSetNamesEveryMissingVariable() {
        assertThatThrownBy(() -> RobotSettings.from(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("manager-type=hetzner cannot start: ")
                .hasMessageContaining("VIP_HETZNER_USER is not set")
                .hasMessageContaining("VIP_HETZNER_PASSWORD is not set")
                .hasMessageContaining("VIP_HETZNER_SERVER_IP is not set")
                .hasMessageContaining("VIP_HETZNER_CREDENTIALS_FILE");
    }

    @Test
    void robotCredentialsFromVipManagersFile() throws Exception {
        Path file = dir.resolve("hetzner");
        Files.writeString(file, "# Robot web-service user\nuser=\"#ws+robot1\"\npass='" + SECRET + "'\n");
        RobotSettings s = RobotSettings.from(Map.of("VIP_HETZNER_CREDENTIALS_FILE", file.toString(),
                "VIP_HETZNER_SERVER_IP", "198.51.100.10"));
        assertThat(s.user()).isEqualTo("#ws+robot1");
        assertThat(s.password()).isEqualTo(SECRET);
        assertThat(s.base()).hasToString("https://robot-ws.your-server.de");
        assertThat(s.refresh()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.local()).isFalse();
        assertThat(s.toString()).doesNotContain(SECRET);
    }

    @Test
    void robotFileWithoutPassAndBadValuesAreAllReported() throws Exception {
        Path file = dir.resolve("hetzner");
        Files.writeString(file, "user=robot\n");
        Map<String, String> env = new HashMap<>();
        env.put("VIP_HETZNER_CREDENTIALS_FILE", file.toString());
        env.put("VIP_HETZNER_SERVER_IP", "pg1.example.org");
        env.put("VIP_HETZNER_REFRESH", "often");
        env.put("VIP_HETZNER_LOCAL", "yes");
        env.put("VIP_HETZNER_URL", "ftp://robot");
        assertThatThrownBy(() -> RobotSettings.from(env))
                .hasMessageContaining("needs a user=... and a pass=... line")
                .hasMessageContaining("VIP_HETZNER_SERVER_IP=pg1.example.org: not an IP address")
                .hasMessageContaining("VIP_HETZNER_REFRESH=often: not a duration")
                .hasMessageContaining("VIP_HETZNER_LOCAL=yes: unknown; allowed: none")
                .hasMessageContaining("VIP_HETZNER_URL=ftp://robot: not a base URL");
    }

    @Test
    void robotFileAndVariablesTogetherAreRefused() {
        assertThatThrownBy(() -> RobotSettings.from(Map.of("VIP_HETZNER_CREDENTIALS_FILE", "/nonexistent/hetzner",
                "VIP_HETZNER_PASSWORD", SECRET, "VIP_HETZNER_SERVER_IP", "198.51.100.10")))
                .hasMessageContaining("are both set").hasMessageNotContaining(SECRET);
    }

    @Test
    void unreadableCredentialsFileIsNamed() {
        assertThatThrownBy(() -> RobotSettings.from(Map.of("VIP_HETZNER_CREDENTIALS_FILE", "/nonexistent/hetzner",
                "VIP_HETZNER_SERVER_IP", "198.51.100.10")))
                .hasMessageContaining("VIP_HETZNER_CREDENTIALS_FILE=/nonexistent/hetzner: cannot read the file");
    }

    @Test
    void cloudWithNothingSetNamesEveryMissingVariable() {
        assertThatThrownBy(() -> CloudSettings.from(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("manager-type=hetzner-cloud cannot start: ")
                .hasMessageContaining("VIP_HETZNER_CLOUD_TOKEN (or VIP_HETZNER_CLOUD_TOKEN_FILE) is not set")
                .hasMessageContaining("VIP_HETZNER_CLOUD_SERVER_ID is not set");
    }

    @Test
    void cloudTokenFromAFileAndABadServerId() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, SECRET + "\n");
        CloudSettings s = CloudSettings.from(Map.of("VIP_HETZNER_CLOUD_TOKEN_FILE", file.toString(),
                "VIP_HETZNER_CLOUD_SERVER_ID", "42", "VIP_HETZNER_CLOUD_REFRESH", "2m",
                "VIP_HETZNER_CLOUD_LOCAL", "basic"));
        assertThat(s.token()).isEqualTo(SECRET);
        assertThat(s.serverId()).isEqualTo(42);
        assertThat(s.refresh()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.local()).isTrue();
        assertThat(s.toString()).doesNotContain(SECRET).contains("*****");
        assertThatThrownBy(() -> CloudSettings.from(Map.of("VIP_HETZNER_CLOUD_TOKEN", SECRET,
                "VIP_HETZNER_CLOUD_SERVER_ID", "pg1")))
                .hasMessageContaining("VIP_HETZNER_CLOUD_SERVER_ID=pg1: not a server id")
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void anEmptyTokenFileIsAProblem() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> CloudSettings.from(Map.of("VIP_HETZNER_CLOUD_TOKEN_FILE", file.toString(),
                "VIP_HETZNER_CLOUD_SERVER_ID", "42"))).hasMessageContaining("the file is empty");
    }

    @Test
    void providersThrowFromCreateWithTheSameMessage() throws Exception {
        assertThatThrownBy(() -> new HetznerRobotProvider(Map.of(), (c, v) -> null)
                .create(TestConfigs.config("hetzner", TestConfigs.VIP, Duration.ofSeconds(5))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("VIP_HETZNER_SERVER_IP is not set");
        assertThatThrownBy(() -> new HetznerCloudProvider(Map.of(), (c, v) -> null, 1)
                .create(TestConfigs.config("hetzner-cloud", TestConfigs.VIP, Duration.ofSeconds(5))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("VIP_HETZNER_CLOUD_SERVER_ID");
    }

    @Test
    void variablesUnderTheManagersPrefixThatItDoesNotReadAreStrays() {
        Map<String, String> env = Map.of("VIP_HETZNER_USR", "robot", "VIP_HETZNER_USER", "robot",
                "VIP_HETZNER_CLOUD_TOKEN", SECRET, "VIP_HETZNER_CLOUD_SERVERID", "42", "VIP_IP", "198.51.100.100");
        assertThat(RobotSettings.strays(env)).containsExactly("VIP_HETZNER_CLOUD_SERVERID", "VIP_HETZNER_CLOUD_TOKEN",
                "VIP_HETZNER_USR");
        assertThat(CloudSettings.strays(env)).containsExactly("VIP_HETZNER_CLOUD_SERVERID");
        assertThatThrownBy(() -> CloudSettings.from(env))
                .hasMessageContaining("VIP_HETZNER_CLOUD_SERVER_ID is not set")
                .hasMessageContaining("set but not read (a typo?): [VIP_HETZNER_CLOUD_SERVERID]")
                .hasMessageNotContaining(SECRET);
    }
}
