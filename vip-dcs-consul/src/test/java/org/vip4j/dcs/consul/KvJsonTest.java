package org.vip4j.dcs.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvJsonTest {

    @Test
    void readsAConsulKvAnswer() {
        Object doc = KvJson.parse(" [{\"LockIndex\":0,\"Key\":\"service/pg/leader\",\"Flags\":0,"
                + "\"Value\":\"bjE=\",\"Session\":\"a-b\",\"CreateIndex\":12,\"ModifyIndex\":34}] ");
        Map<?, ?> e = (Map<?, ?>) ((List<?>) doc).get(0);
        assertThat(e.get("Value")).isEqualTo("bjE=");
        assertThat(e.get("ModifyIndex")).isEqualTo(34L);
        assertThat(e.get("Key")).isEqualTo("service/pg/leader");
    }

    @Test
    void readsEscapesLiteralsAndNumbers() {
        Object doc = KvJson.parse("{\"a\":\"q\\\"\\\\\\/\\n\\u00e9\",\"b\":null,\"c\":true,\"d\":false,\"e\":-1.5e2,"
                + "\"f\":[],\"g\":{}}");
        Map<?, ?> m = (Map<?, ?>) doc;
        assertThat(m.get("a")).isEqualTo("q\"\\/\n\u00e9");
        assertThat(m.containsKey("b")).isTrue();
        assertThat(m.get("b")).isNull();
        assertThat(m.get("c")).isEqualTo(true);
        assertThat(m.get("d")).isEqualTo(false);
        assertThat(m.get("e")).isEqualTo(-150.0);
        assertThat(m.get("f")).isEqualTo(List.of());
        assertThat(m.get("g")).isEqualTo(Map.of());
    }

    @Test
    void rejectsBrokenJson() {
        assertThatThrownBy(() -> KvJson.parse("[{\"Value\":}]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvJson.parse("[1] x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> KvJson.parse("[\"open")).hasMessageContaining("end");
    }
}
