package org.vip4j.dcs.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vip4j.dcs.consul.testing.ConsulDouble;

/** The double answers as Consul's HTTP API documentation says, checked with a plain HTTP client. */
class ConsulDoubleTest {

    private static final String KEY = "service/pg/leader";

    private ConsulDouble consul;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        consul = ConsulDouble.start();
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, String token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(consul.uri() + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long index(HttpResponse<?> r) {
        return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow());
    }

    @Test
    void getAnswersBase64ValuesAndIndexHeaders() throws Exception {
        assertThat(send("PUT", "/v1/kv/" + KEY, "n1", null).body()).isEqualTo("true");
        HttpResponse<String> r = send("GET", "/v1/kv/" + KEY, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        String b64 = Base64.getEncoder().encodeToString("n1".getBytes(StandardCharsets.UTF_8));
        assertThat(r.body()).contains("\"Key\":\"" + KEY + "\"").contains("\"Value\":\"" + b64 + "\"")
                .contains("\"ModifyIndex\":" + index(r));
        assertThat(r.headers().firstValue("X-Consul-KnownLeader")).hasValue("true");
        assertThat(r.headers().firstValue("X-Consul-LastContact")).hasValue("0");
        assertThat(send("GET", "/v1/kv/" + KEY + "?raw", null, null).body()).isEqualTo("n1");

        assertThat(send("DELETE", "/v1/kv/" + KEY, null, null).body()).isEqualTo("true");
        HttpResponse<String> gone = send("GET", "/v1/kv/" + KEY, null, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(index(gone)).isGreaterThan(index(r));
    }

    @Test
    void blockingQueryHoldsUntilTheKeyChanges() throws Exception {
        consul.put(KEY, "n1");
        long idx = consul.index();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(HttpRequest.newBuilder(
                URI.create(consul.uri() + "/v1/kv/" + KEY + "?index=" + idx + "&wait=30s")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(consul.awaitBlocked(1, Duration.ofSeconds(10))).isTrue();
        consul.put("other/key", "x"); // a write elsewhere does not move this key's index
        assertThat(pending).isNotDone();
        consul.put(KEY, "n2");
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(index(r)).isGreaterThan(idx);
        assertThat(r.body()).contains(Base64.getEncoder().encodeToString("n2".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void blockingQueryReturnsTheSameIndexWhenTheWaitEnds() throws Exception {
        consul.put(KEY, "n1");
        long idx = consul.index();
        long start = System.nanoTime();
        HttpResponse<String> r = send("GET", "/v1/kv/" + KEY + "?index=" + idx + "&wait=200ms", null, null);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(index(r)).isEqualTo(idx);
        assertThat(ms).as("held for the wait").isGreaterThanOrEqualTo(190);
        assertThat(send("GET", "/v1/kv/" + KEY + "?index=" + idx + "&wait=soon", null, null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void absentKeyFollowsTheTableIndex() throws Exception {
        long idx = consul.index();
        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(HttpRequest.newBuilder(
                URI.create(consul.uri() + "/v1/kv/" + KEY + "?index=" + idx + "&wait=30s")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(consul.awaitBlocked(1, Duration.ofSeconds(10))).isTrue();
        consul.put("other/key", "x");
        HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(index(r)).isGreaterThan(idx);
    }

    @Test
    void aclsRefuseMissingAndWrongTokens() throws Exception {
        consul.put(KEY, "n1");
        consul.requireToken("t0ken");
        assertThat(send("GET", "/v1/kv/" + KEY, null, null).statusCode()).isEqualTo(403);
        HttpResponse<String> wrong = send("GET", "/v1/kv/" + KEY, null, "other");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).isEqualTo("ACL not found");
        assertThat(send("GET", "/v1/kv/" + KEY, null, "t0ken").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/kv/" + KEY + "?token=t0ken", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutAClusterLeaderOnlyStaleReadsAreServed() throws Exception {
        consul.put(KEY, "n1");
        consul.loseLeader();
        HttpResponse<String> r = send("GET", "/v1/kv/" + KEY, null, null);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("No cluster leader");
        assertThat(send("GET", "/v1/kv/" + KEY + "?consistent", null, null).statusCode()).isEqualTo(500);
        assertThat(send("PUT", "/v1/kv/" + KEY, "n2", null).statusCode()).isEqualTo(500);
        HttpResponse<String> stale = send("GET", "/v1/kv/" + KEY + "?stale", null, null);
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.headers().firstValue("X-Consul-KnownLeader")).hasValue("false");
        consul.electLeader();
        assertThat(send("GET", "/v1/kv/" + KEY + "?consistent", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void casWritesOnlyOverTheGivenIndex() throws Exception {
        assertThat(send("PUT", "/v1/kv/" + KEY + "?cas=0", "n1", null).body()).isEqualTo("true");
        assertThat(send("PUT", "/v1/kv/" + KEY + "?cas=0", "n2", null).body()).isEqualTo("false");
        long idx = consul.index();
        assertThat(send("PUT", "/v1/kv/" + KEY + "?cas=" + idx, "n2", null).body()).isEqualTo("true");
        assertThat(consul.get(KEY)).hasValue("n2");
    }

    @Test
    void restartKeepsPortAndData() throws Exception {
        consul.put(KEY, "n1");
        int port = consul.port();
        consul.stop();
        consul.restart();
        assertThat(consul.port()).isEqualTo(port);
        assertThat(send("GET", "/v1/kv/" + KEY + "?raw", null, null).body()).isEqualTo("n1");
    }
}
