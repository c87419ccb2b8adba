package org.vip4j.net.hetzner;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code manager-type: hetzner-cloud} needs: the Cloud API, a project API token with read and write access,
 * and this server's id, configured, never guessed.
 *
 * @param token never shown: {@link #toString()} masks it
 */
record CloudSettings(URI base, String token, long serverId, Duration refresh, boolean local) {

    static final String URL = "VIP_HETZNER_CLOUD_URL";
    static final String TOKEN = "VIP_HETZNER_CLOUD_TOKEN";
    static final String TOKEN_FILE = "VIP_HETZNER_CLOUD_TOKEN_FILE";
    static final String SERVER_ID = "VIP_HETZNER_CLOUD_SERVER_ID";
    static final String REFRESH = "VIP_HETZNER_CLOUD_REFRESH";
    static final String LOCAL = "VIP_HETZNER_CLOUD_LOCAL";
    static final String DEFAULT_URL = "https://api.hetzner.cloud/v1";
    /** The Cloud API allows 3600 requests an hour per project, shared by every node and every other tool. */
    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(15);

    static final Set<String> NAMES = Set.of(URL, TOKEN, TOKEN_FILE, SERVER_ID, REFRESH, LOCAL);

    /** {@code VIP_HETZNER_CLOUD_*} variables this manager does not read: typos, to warn about. */
    static List<String> strays(Map<String, String> env) {
        return new EnvReader(env).strays("VIP_HETZNER_CLOUD_", NAMES);
    }

    static CloudSettings from(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        URI base = r.url(URL, DEFAULT_URL);
        Optional<String> token = r.secret(TOKEN, TOKEN_FILE, "a Hetzner Cloud API token with Read & Write "
                + "permission (Cloud Console: Security, API tokens)");
        Optional<String> id = r.required(SERVER_ID, "this server's numeric id (hcloud server list, or the Cloud "
                + "Console's server page)");
        long serverId = 0;
        if (id.isPresent()) {
            try {
                serverId = Long.parseLong(id.get());
                if (serverId <= 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                r.problem(SERVER_ID + "=" + id.get() + ": not a server id; allowed: a positive whole number, e.g. 42");
            }
        }
        Duration refresh = r.duration(REFRESH, DEFAULT_REFRESH);
        boolean local = r.local(LOCAL);
        r.failIfProblems(HetznerCloudProvider.TYPE, strays(env));
        return new CloudSettings(base, token.orElseThrow(), serverId, refresh, local);
    }

    @Override
    public String toString() {
        return "Hetzner Cloud at " + base + " (token *****), this server " + serverId + ", refresh "
                + refresh.toSeconds() + " s, local " + (local ? "basic" : "none");
    }
}
