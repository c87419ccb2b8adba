package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An unknown {@code VIP_} variable warns (a typo would go unnoticed otherwise), except {@code VIP_<MANAGER-TYPE>_*},
 * which belongs to the chosen address manager (the Hetzner managers read their credentials so).
 */
class EnvironmentWarningsTest {

    private static ConfigValidator.Result validate(String managerType, Map<String, String> env) {
        ConfigLayers layers = new ConfigLayers();
        layers.addFile(new LinkedHashMap<>(Map.of("ip", "198.51.100.100", "netmask", 32, "interface", "eth0",
                "trigger-key", "/service/pg/leader", "trigger-value", "n1", "manager-type", managerType)));
        layers.addEnvironment(env);
        return ConfigValidator.validate(layers);
    }

    @Test
    void theManagersOwnVariablesAreNotWarnedAbout() {
        Map<String, String> env = Map.of("VIP_HETZNER_CLOUD_TOKEN", "s3cret", "VIP_HETZNER_CLOUD_SERVER_ID", "42");
        assertThat(validate("hetzner-cloud", env).warnings()).isEmpty();
        assertThat(validate("hetzner", Map.of("VIP_HETZNER_USER", "robot")).warnings()).isEmpty();
    }

    @Test
    void typosAndAnotherManagersVariablesStillWarn() {
        assertThat(validate("basic", Map.of("VIP_HETZNER_USER", "robot", "VIP_TRIGER_KEY", "/x")).warnings())
                .containsExactly("environment variable VIP_HETZNER_USER is not a vip4j setting and is ignored",
                        "environment variable VIP_TRIGER_KEY is not a vip4j setting and is ignored");
        assertThat(validate("hetzner-cloud", Map.of("VIP_HETZNER_USER", "robot")).warnings())
                .containsExactly("environment variable VIP_HETZNER_USER is not a vip4j setting and is ignored");
        assertThat(validate("basic", Map.of("VIP_ETCD_USR", "root")).warnings()).as("a DCS type's prefix is ours")
                .containsExactly("environment variable VIP_ETCD_USR is not a vip4j setting and is ignored");
    }
}
