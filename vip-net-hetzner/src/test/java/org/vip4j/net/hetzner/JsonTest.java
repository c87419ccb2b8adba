package org.vip4j.net.hetzner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

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
