package org.vip4j.net.hetzner;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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
 * {@code manager-type: hetzner}: failover IPs of Hetzner dedicated servers, routed by the Robot web service
 * ({@code robot-ws.your-server.de/failover/<ip>}, HTTP basic auth), as vip-manager's {@code hetzner} type does.
 * Adding routes the IP to this server ({@code active_server_ip}); removing leaves the routing alone, since only the
 * next holder's switch should move it; present means routed here.
 *
 * <p>Reads {@code VIP_HETZNER_USER} and {@code VIP_HETZNER_PASSWORD} (or {@code VIP_HETZNER_CREDENTIALS_FILE}, a file
 * with {@code user=} and {@code pass=} lines such as vip-manager's {@code /etc/hetzner}), {@code
 * VIP_HETZNER_SERVER_IP} (this server's main IP), and optionally {@code VIP_HETZNER_URL}, {@code
 * VIP_HETZNER_REFRESH} and {@code VIP_HETZNER_LOCAL} ({@code none} or {@code basic}). {@link #create} names every
 * missing or invalid one at once.
 */
public final class HetznerRobotProvider implements AddressManagerProvider {

    static final String TYPE = "hetzner";
    private static final Logger LOG = LoggerFactory.getLogger(HetznerRobotProvider.class);

    private final Map<String, String> env;
    private final BiFunction<VipConfig, String, AddressManager> local;

    /** The provider ServiceLoader makes: settings from the process environment. */
    public HetznerRobotProvider() {
        this(System.getenv(), LocalManagers::create);
    }

    HetznerRobotProvider(Map<String, String> env, BiFunction<VipConfig, String, AddressManager> local) {
        this.env = env;
        this.local = local;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public AddressManager create(VipConfig config) {
        RobotSettings.strays(env).forEach(n -> LOG.warn("environment variable {} is not a setting of manager-type "
                + "hetzner and is ignored; known: {}", n, new TreeSet<>(RobotSettings.NAMES)));
        RobotSettings s = RobotSettings.from(env);
        Duration timeout = config.takeoverTimeout();
        String basic = Base64.getEncoder().encodeToString((s.user() + ":" + s.password())
                .getBytes(StandardCharsets.UTF_8));
        ApiHttp api = new ApiHttp("Hetzner Robot", s.base(), ApiHttp.client(timeout), "Basic " + basic);
        Optional<AddressManager> localManager = s.local()
                ? Optional.of(local.apply(config, RobotSettings.LOCAL)) : Optional.empty();
        LOG.info("manager-type hetzner: {}, failover IP {} ({}); a switch is bounded by takeover-timeout ({} ms)",
                s, config.virtualAddress().host(), s.local() ? "also added to " + config.interfaceName()
                        : "configured on the interface outside vip4j", timeout.toMillis());
        return new RoutedAddressManager(new RobotRouter(api, s.serverIp()), localManager, timeout, s.refresh());
    }
}
