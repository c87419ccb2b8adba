package org.vip4j.dcs.zookeeper;

import java.net.URI;
import java.util.List;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsClientProvider;

/**
 * {@code dcs-type: zookeeper}: Patroni's zookeeper mode through Apache Curator. Patroni's leader lock is the
 * ephemeral znode {@code <namespace><scope>/leader} whose data is the leader's name, so {@code trigger-key} is that
 * path. Reads {@code dcs-endpoints} as ZooKeeper's connect string: {@code host:port,host:port[/chroot]}.
 */
public final class ZooKeeperDcsClientProvider implements DcsClientProvider {

    @Override
    public String type() {
        return "zookeeper";
    }

    @Override
    public DcsClient create(VipConfig config) {
        return new ZooKeeperDcsClient(config, ConnectString.of(config.dcsEndpoints()));
    }

    @Override
    public List<String> endpointProblems(List<URI> endpoints) {
        return ConnectString.problems(endpoints);
    }
}
