package org.vip4j.dcs.etcd;

import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsClientProvider;

/**
 * {@code dcs-type: etcd} (and {@code etcd3}): etcd's v3 API through jetcd, as Patroni's etcd3 mode writes it.
 * Reads {@code dcs-endpoints}, {@code etcd-user}/{@code etcd-password} and the TLS files.
 */
public final class EtcdDcsClientProvider implements DcsClientProvider {

    @Override
    public String type() {
        return "etcd";
    }

    /** A lease and a transaction on create_revision: see {@code EtcdElections}. */
    @Override
    public boolean offersElections() {
        return true;
    }

    @Override
    public DcsClient create(VipConfig config) {
        return new EtcdDcsClient(config);
    }
}
