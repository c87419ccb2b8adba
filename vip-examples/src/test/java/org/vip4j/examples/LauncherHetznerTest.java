package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vip4j.dcs.consul.testing.ConsulDouble;

/**
 * The launcher knows {@code manager-type: hetzner} and {@code hetzner-cloud} (vip-net-hetzner is in vip4j.jar), and
 * one started without the manager's credentials and identity exits 1 naming every missing variable, with no stack
 * trace. The managers read their variables from the process environment, which the test does not set.
 */
class LauncherHetznerTest {

    private static final List<String> BASE = List.of("--ip", "198.51.100.100", "--netmask", "32", "--interface", "lo",
            "--trigger-key", "/service/pg/leader", "--trigger-value", "n1");

    @BeforeAll
    static void noHetznerVariablesHere() {
        // a precondition, not a skip: with such a variable set the managers would find credentials after all
        assertThat(System.getenv().keySet().stream().filter(n -> n.startsWith("VIP_HETZNER_")).toList())
                .as("VIP_HETZNER_* variables in this test's environment: unset them to run it").isEmpty();
    }

    private record Outcome(int code, String err) {
    }

    private static Outcome execute(List<String> args) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        VipManagerMain main = new VipManagerMain(Map.of(), sink, new PrintStream(err, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> main.execute(args.toArray(String[]::new)));
        try {
            int code = run.get(30, TimeUnit.SECONDS);
            return new Outcome(code, err.toString(StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            main.requestStop(); // it started after all: stop it, the assertions below fail on the exit code
            return new Outcome(run.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static List<String> args(String command, String managerType, ConsulDouble consul) {
        List<String> args = new ArrayList<>(List.of(command, "--manager-type", managerType, "--dcs-type", "consul",
                "--dcs-endpoints", consul.uri().toString()));
        if (command.equals("run")) {
            args.addAll(List.of("--nice", "0")); // this test JVM keeps its priority
        }
        args.addAll(BASE);
        return args;
    }

    @Test
    void checkAcceptsBothManagerTypes() throws Exception {
        try (ConsulDouble consul = ConsulDouble.start()) {
            for (String type : List.of("hetzner", "hetzner-cloud")) {
                Outcome o = execute(args("check", type, consul));
                assertThat(o.code()).as(type + ": " + o.err()).isZero();
            }
        }
    }

    @Test
    void robotWithoutCredentialsExitsOneNamingEveryMissingVariable() throws Exception {
        try (ConsulDouble consul = ConsulDouble.start()) {
            Outcome o = execute(args("run", "hetzner", consul));
            assertThat(o.code()).as(o.err()).isEqualTo(1);
            assertThat(o.err()).contains("vip4j: cannot start: manager-type=hetzner cannot start: ")
                    .contains("VIP_HETZNER_USER is not set").contains("VIP_HETZNER_PASSWORD is not set")
                    .contains("VIP_HETZNER_CREDENTIALS_FILE").contains("VIP_HETZNER_SERVER_IP is not set")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void cloudWithoutTokenExitsOneNamingEveryMissingVariable() throws Exception {
        try (ConsulDouble consul = ConsulDouble.start()) {
            Outcome o = execute(args("run", "hetzner-cloud", consul));
            assertThat(o.code()).as(o.err()).isEqualTo(1);
            assertThat(o.err()).contains("manager-type=hetzner-cloud cannot start: ")
                    .contains("VIP_HETZNER_CLOUD_TOKEN (or VIP_HETZNER_CLOUD_TOKEN_FILE) is not set")
                    .contains("VIP_HETZNER_CLOUD_SERVER_ID is not set")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
