package org.vip4j.net.hetzner;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.AddressManagerProvider;

/**
 * {@code manager-type: hetzner-cloud}: Hetzner Cloud floating IPs, moved by the Cloud API's {@code assign} action
 * (bearer token). Adding assigns the floating IP to this server and waits for the action to succeed; removing lets
 * go of it here and leaves the assignment for the next holder's assign to move; present means assigned here (and
 * not let go of).
 *
 * <p>Reads {@code VIP_HETZNER_CLOUD_TOKEN} (or {@code VIP_HETZNER_CLOUD_TOKEN_FILE}), {@code
 * VIP_HETZNER_CLOUD_SERVER_ID} (this server's id), and optionally {@code VIP_HETZNER_CLOUD_URL}, {@code
 * VIP_HETZNER_CLOUD_REFRESH} and {@code VIP_HETZNER_CLOUD_LOCAL} ({@code none} or {@code basic}). {@link #create}
 * names every missing or invalid one at once.
 */
public final class HetznerCloudProvider implements AddressManagerProvider {

    static final String TYPE = "hetzner-cloud";
    /** An assignment takes seconds; below this a takeover-timeout cuts healthy actions off. */
    private static final Duration SHORTEST_SENSIBLE_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(HetznerCloudProvider.class);

    private final Map<String, String> env;
    private final BiFunction<VipConfig, String, AddressManager> local;
    private final long pollNanos;

    /** The provider ServiceLoader makes: settings from the process environment. */
    public HetznerCloudProvider() {
        this(System.getenv(), LocalManagers::create, CloudRouter.POLL_NANOS);
    }

    HetznerCloudProvider(Map<String, String> env, BiFunction<VipConfig, String, AddressManager> local,
                         long pollNanos) {
        this.env = env;
        this.local = local;
        this.pollNanos = pollNanos;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public AddressManager create(VipConfig config) {
        CloudSettings.strays(env).forEach(n -> LOG.warn("environment variable {} is not a setting of manager-type "
                + "hetzner-cloud and is ignored; known: {}", n, new TreeSet<>(CloudSettings.NAMES)));
        CloudSettings s = CloudSettings.from(env);
        Duration timeout = config.takeoverTimeout();
        if (timeout.compareTo(SHORTEST_SENSIBLE_TIMEOUT) < 0) {
            LOG.warn("manager-type hetzner-cloud with takeover-timeout {} ms: a floating IP assignment takes seconds, "
                    + "and one cut off at the deadline is retried after retry-timeout; set takeover-timeout to {} s "
                    + "or more", timeout.toMillis(), SHORTEST_SENSIBLE_TIMEOUT.toSeconds());
        }
        ApiHttp api = new ApiHttp("Hetzner Cloud", s.base(), ApiHttp.client(timeout), "Bearer " + s.token());
        Optional<AddressManager> localManager = s.local()
                ? Optional.of(local.apply(config, CloudSettings.LOCAL)) : Optional.empty();
        LOG.info("manager-type hetzner-cloud: {}, floating IP {} ({}); an assignment is bounded by takeover-timeout "
                + "({} ms)", s, config.virtualAddress().host(), s.local() ? "also added to " + config.interfaceName()
                : "configured on the interface outside vip4j", timeout.toMillis());
        return new RoutedAddressManager(new CloudRouter(api, s.serverId(), pollNanos), localManager, timeout,
                s.refresh());
    }
}
