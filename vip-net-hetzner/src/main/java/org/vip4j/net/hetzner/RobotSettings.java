package org.vip4j.net.hetzner;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code manager-type: hetzner} needs: the Robot web service, its web-service user, and this server's main IP,
 * which the Robot takes as {@code active_server_ip} and which is configured, never guessed.
 *
 * @param password never shown: {@link #toString()} masks it
 */
record RobotSettings(URI base, String user, String password, String serverIp, Duration refresh, boolean local) {

    static final String URL = "VIP_HETZNER_URL";
    static final String USER = "VIP_HETZNER_USER";
    static final String PASSWORD = "VIP_HETZNER_PASSWORD";
    static final String CREDENTIALS_FILE = "VIP_HETZNER_CREDENTIALS_FILE";
    static final String SERVER_IP = "VIP_HETZNER_SERVER_IP";
    static final String REFRESH = "VIP_HETZNER_REFRESH";
    static final String LOCAL = "VIP_HETZNER_LOCAL";
    static final String DEFAULT_URL = "https://robot-ws.your-server.de";
    /** The Robot allows some hundred failover reads an hour per account, shared by every node: one a minute each. */
    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(60);

    static final Set<String> NAMES = Set.of(URL, USER, PASSWORD, CREDENTIALS_FILE, SERVER_IP, REFRESH, LOCAL);

    /** {@code VIP_HETZNER_*} variables this manager does not read (the Cloud's among them): typos, to warn about. */
    static List<String> strays(Map<String, String> env) {
        return new EnvReader(env).strays("VIP_HETZNER_", NAMES);
    }

    static RobotSettings from(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        URI base = r.url(URL, DEFAULT_URL);
        String user = null;
        String password = null;
        Optional<String> file = r.text(CREDENTIALS_FILE);
        boolean inEnv = r.text(USER).isPresent() || r.text(PASSWORD).isPresent();
        if (file.isPresent() && inEnv) {
            r.problem(CREDENTIALS_FILE + " and " + USER + "/" + PASSWORD + " are both set; allowed: one of them");
        } else if (file.isPresent()) {
            Optional<Map<String, String>> kv = r.keyValueFile(CREDENTIALS_FILE, file.get());
            user = kv.map(m -> m.get("user")).filter(v -> !v.isBlank()).orElse(null);
            password = kv.map(m -> m.get("pass")).filter(v -> !v.isBlank()).orElse(null);
            if (kv.isPresent() && (user == null || password == null)) {
                r.problem(CREDENTIALS_FILE + "=" + file.get() + ": needs a user=... and a pass=... line (the Robot "
                        + "web-service user and its password, as in vip-manager's /etc/hetzner)");
            }
        } else {
            user = r.required(USER, "the Robot web-service user (Robot: Settings, Web service and app settings), "
                    + "or " + CREDENTIALS_FILE + " naming a file with user= and pass= lines").orElse(null);
            password = r.required(PASSWORD, "the web-service user's password, or " + CREDENTIALS_FILE).orElse(null);
        }
        String serverIp = r.required(SERVER_IP, "this server's main IP address, which the Robot routes the failover IP "
                + "to (active_server_ip), e.g. 198.51.100.10").orElse(null);
        if (serverIp != null && !looksLikeIp(serverIp)) {
            r.problem(SERVER_IP + "=" + serverIp + ": not an IP address; allowed: this server's main IPv4 address, "
                    + "or its IPv6 subnet address for an IPv6 failover net");
        }
        Duration refresh = r.duration(REFRESH, DEFAULT_REFRESH);
        boolean local = r.local(LOCAL);
        r.failIfProblems(HetznerRobotProvider.TYPE, strays(env));
        return new RobotSettings(base, user, password, serverIp, refresh, local);
    }

    /** A literal address, never a name: resolving would be a guess made by DNS. */
    static boolean looksLikeIp(String text) {
        if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !text.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(text); // a literal: no lookup
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Hetzner Robot at " + base + " as " + user + " (password *****), this server " + serverIp
                + ", refresh " + refresh.toSeconds() + " s, local " + (local ? "basic" : "none");
    }
}
