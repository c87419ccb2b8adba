package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings of one DCS type given for another are ignored, as vip-manager ignores them, but not silently. */
class ConfigTypeChecksTest {

    private static ConfigValidator.Result validate(Map<String, Object> extra) {
        ConfigLayers layers = new ConfigLayers();
        layers.addFile(new LinkedHashMap<>(Map.of("ip", "198.51.100.100", "netmask", 24, "interface", "eth0",
                "trigger-key", "/service/pg/leader", "trigger-value", "n1")));
        extra.forEach((k, v) -> layers.addOverride(k, String.valueOf(v), k));
        return ConfigValidator.validate(layers);
    }

    @Test
    void etcdSettingsForConsulAndAConsulTokenForEtcdAreNamedInAWarning() {
        ConfigValidator.Result consul = validate(Map.of("dcs-type", "consul", "etcd-user", "root",
                "etcd-password", "hunter2"));
        assertThat(consul.problems()).isEmpty();
        assertThat(consul.warnings()).contains(
                "etcd-user is set but dcs-type is consul: it applies only to dcs-type etcd and is ignored",
                "etcd-password is set but dcs-type is consul: it applies only to dcs-type etcd and is ignored");
        assertThat(String.join("\n", consul.warnings())).doesNotContain("hunter2");
        ConfigValidator.Result etcd = validate(Map.of("consul-token", "s3cret"));
        assertThat(etcd.warnings()).contains(
                "consul-token is set but dcs-type is etcd: it applies only to dcs-type consul and is ignored");
    }

    @Test
    void settingsOfTheTypeInUseWarnNothing() {
        assertThat(validate(Map.of("etcd-user", "root", "etcd-password", "hunter2")).warnings()).isEmpty();
        assertThat(validate(Map.of("dcs-type", "consul", "consul-token", "s3cret")).warnings()).isEmpty();
    }
}
