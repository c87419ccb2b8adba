package org.vip4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON the HTTP providers read: Consul's KV answer, the Hetzner APIs' shapes, and what is not JSON. */
class JsonTest {

    @Test
    void readsAConsulKvAnswer() {
        Object doc = Json.parse(" [{\"LockIndex\":0,\"Key\":\"service/pg/leader\",\"Flags\":0,"
                + "\"Value\":\"bjE=\",\"Session\":\"a-b\",\"CreateIndex\":12,\"ModifyIndex\":34}] ");
        Map<?, ?> e = (Map<?, ?>) ((List<?>) doc).get(0);
        assertThat(e.get("Value")).isEqualTo("bjE=");
        assertThat(e.get("ModifyIndex")).isEqualTo(34L);
        assertThat(e.get("Key")).isEqualTo("service/pg/leader");
    }

    @Test
    void readsEscapesLiteralsAndNumbers() {
        Object doc = Json.parse("{\"a\":\"q\\\"\\\\\\/\\n\\u00e9\",\"b\":null,\"c\":true,\"d\":false,\"e\":-1.5e2,"
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
        assertThatThrownBy(() -> Json.parse("[{\"Value\":}]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Json.parse("[\"open")).hasMessageContaining("end");
    }

    @Test
    void readsTheShapesTheApisSend() {
        Object json = Json.parse("{\"failover\":{\"ip\":\"198.51.100.100\",\"server_number\":321,"
                + "\"active_server_ip\":null,\"ok\":true,\"x\":1.5e3,\"l\":[1,\"a\\u00e9\\n\"]}}");
        assertThat(Json.text(json, "failover", "ip")).contains("198.51.100.100");
        assertThat(Json.number(json, "failover", "server_number")).contains(321L);
        assertThat(Json.text(json, "failover", "active_server_ip")).isEmpty();
        assertThat(Json.at(json, "failover", "ok")).contains(true);
        assertThat(Json.at(json, "failover", "x")).contains(1500.0);
        assertThat(Json.at(json, "failover", "l")).contains(List.of(1L, "a\u00e9\n"));
        assertThat(Json.at(json, "failover", "ip", "deeper")).isEmpty();
    }

    @Test
    void rejectsWhatIsNotJson() {
        assertThatThrownBy(() -> Json.parse("<html>502 Bad Gateway</html>")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Json.parse("{\"a\":\"\\q\"}")).hasMessageContaining("bad escape");
        assertThatThrownBy(() -> Json.parse("[1,")).hasMessageContaining("unexpected end");
    }
}
